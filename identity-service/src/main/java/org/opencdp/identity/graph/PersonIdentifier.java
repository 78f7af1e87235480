package org.opencdp.identity.graph;

import java.util.Objects;
import org.opencdp.contracts.Identifier;

/** One identifier of a person: its type ({@code user_id}, {@code email}, …) and its normalised value. */
public record PersonIdentifier(String type, String value) {

    public PersonIdentifier {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    /** The contract form ({@code {"type": "user_id", "value": ...}}). */
    public Identifier toContract() {
        return new Identifier(type, value);
    }

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
