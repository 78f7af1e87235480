package org.opencdp.consent.subjects;

import java.util.Comparator;

/** An identifier of a workspace, in the order rows are written (workspace, type, value). */
record IdentifierKey(String workspaceId, String type, String value) implements Comparable<IdentifierKey> {

    private static final Comparator<IdentifierKey> ORDER = Comparator.comparing(IdentifierKey::workspaceId)
            .thenComparing(IdentifierKey::type).thenComparing(IdentifierKey::value);

    @Override
    public int compareTo(IdentifierKey other) {
        return ORDER.compare(this, other);
    }
}
