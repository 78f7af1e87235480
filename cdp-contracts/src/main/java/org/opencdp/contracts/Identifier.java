package org.opencdp.contracts;

/** An identifier of a person: a type ({@code user_id}, {@code email}, …) and a normalised value. */
public record Identifier(String type, String value) {
}
