package org.opencdp.identity.graph;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of identifier the graph knows. The declaration order is the resolution priority (the
 * first identifier of an event that has a profile decides it) and the order in which a
 * transaction writes identifiers, so concurrent transactions lock rows in one fixed order.
 */
public enum IdentifierType {
    USER_ID("user_id"),
    ANONYMOUS_ID("anonymous_id");

    private final String wireName;

    IdentifierType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the database, the API and the contracts ({@code user_id}). */
    public String wireName() {
        return wireName;
    }

    /** The type of that wire name, if the graph supports it. */
    public static Optional<IdentifierType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }
}
