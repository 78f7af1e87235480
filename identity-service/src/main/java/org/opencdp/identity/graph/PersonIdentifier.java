package org.opencdp.identity.graph;

import java.util.Comparator;
import java.util.Objects;
import org.opencdp.contracts.Identifier;

/** One identifier of a person: its type and its value as stored. */
public record PersonIdentifier(IdentifierType type, String value) {

    /** Resolution priority and lock order: by type, then by value. */
    public static final Comparator<PersonIdentifier> PRIORITY =
            Comparator.comparing(PersonIdentifier::type).thenComparing(PersonIdentifier::value);

    public PersonIdentifier {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    /** The contract form ({@code {"type": "user_id", "value": ...}}). */
    public Identifier toContract() {
        return new Identifier(type.wireName(), value);
    }

    @Override
    public String toString() {
        return type.wireName() + ":" + value;
    }
}
