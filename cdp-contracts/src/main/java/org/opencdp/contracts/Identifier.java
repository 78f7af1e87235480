package org.opencdp.contracts;

import java.util.Optional;

/** An identifier of a person: a type ({@code user_id}, {@code email}, …) and a normalised value. */
public record Identifier(String type, String value) {

    /** The longest identifier value a service accepts, unless it keeps less (identity and profile do). */
    public static final int MAX_VALUE_LENGTH = 1024;

    /**
     * The identifier {@code type}/{@code value} stand for in normal form ({@link IdentifierTypes#normalise}
     * and {@link IdentifierValues#normalise}), as a service without a workspace's phone region reads
     * it: a phone number needs its country code. Empty when either is not an identifier.
     */
    public static Optional<Identifier> normalised(String type, String value, int maxLength) {
        return IdentifierTypes.normalise(type).flatMap(normalType -> IdentifierValues
                .normalise(normalType, value, null, maxLength).map(normalValue -> new Identifier(normalType, normalValue)));
    }
}
