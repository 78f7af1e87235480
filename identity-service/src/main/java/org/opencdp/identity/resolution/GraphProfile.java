package org.opencdp.identity.resolution;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** A profile of a {@link WorkspaceGraph}: locked and read from the database, or created by this transaction. */
final class GraphProfile {

    final String id;
    final Instant createdAt;
    /** Created by this transaction (else read from the database). */
    final boolean created;
    /** The profile this one was merged into by this transaction, else {@code null}. */
    String mergedInto;
    int mergeCount;
    final Map<String, Integer> counts;
    /** Changed by this transaction: its row must be written. */
    boolean changed;

    GraphProfile(String id, Instant createdAt, boolean created, int mergeCount, Map<String, Integer> counts) {
        this.id = id;
        this.createdAt = createdAt;
        this.created = created;
        this.mergeCount = mergeCount;
        this.counts = new TreeMap<>(counts);
        this.changed = created;
    }

    int count(String type) {
        return counts.getOrDefault(type, 0);
    }

    long total() {
        return counts.values().stream().mapToLong(Integer::longValue).sum();
    }
}
