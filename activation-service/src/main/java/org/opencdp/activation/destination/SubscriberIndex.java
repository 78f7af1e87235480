package org.opencdp.activation.destination;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Which enabled destinations subscribed to what, for the workspaces of one consumed chunk. It is
 * read from the database once per chunk ({@link DestinationService#eventSubscribers},
 * {@link DestinationService#segmentSubscribers}) and then asked for every message in memory, so a
 * message nobody subscribed to costs no statement. Reading it afresh for each chunk, in the chunk's
 * transaction, keeps every instance of the service in step with destination changes without a cache
 * to invalidate.
 */
public final class SubscriberIndex {

    private static final SubscriberIndex EMPTY = new SubscriberIndex(Map.of());

    /** workspace → subscription (event name or segment id, or the wildcard) → destination ids in id order. */
    private final Map<String, Map<String, List<UUID>>> byWorkspace;

    private SubscriberIndex(Map<String, Map<String, List<UUID>>> byWorkspace) {
        this.byWorkspace = byWorkspace;
    }

    static SubscriberIndex empty() {
        return EMPTY;
    }

    /** Indexes destinations by each of their subscriptions. */
    static SubscriberIndex of(List<Subscriber> subscribers) {
        Map<String, Map<String, TreeSet<UUID>>> index = new HashMap<>();
        for (Subscriber subscriber : subscribers) {
            Map<String, TreeSet<UUID>> ofWorkspace = index.computeIfAbsent(subscriber.workspaceId(), ws -> new HashMap<>());
            for (String subscription : subscriber.subscriptions()) {
                ofWorkspace.computeIfAbsent(subscription, key -> new TreeSet<>()).add(subscriber.destinationId());
            }
        }
        Map<String, Map<String, List<UUID>>> frozen = new HashMap<>();
        index.forEach((workspace, bySubscription) -> {
            Map<String, List<UUID>> lists = new HashMap<>();
            bySubscription.forEach((subscription, ids) -> lists.put(subscription, List.copyOf(ids)));
            frozen.put(workspace, lists);
        });
        return new SubscriberIndex(frozen);
    }

    /**
     * The destinations of {@code workspaceId} subscribed to {@code key}, or to {@code wildcard} when
     * it is not null, each once, in id order.
     */
    private List<UUID> subscribers(String workspaceId, String key, String wildcard) {
        Map<String, List<UUID>> ofWorkspace = byWorkspace.get(workspaceId);
        if (ofWorkspace == null) {
            return List.of();
        }
        List<UUID> exact = ofWorkspace.getOrDefault(key, List.of());
        List<UUID> all = wildcard == null ? List.of() : ofWorkspace.getOrDefault(wildcard, List.of());
        if (all.isEmpty()) {
            return exact;
        }
        if (exact.isEmpty()) {
            return all;
        }
        TreeSet<UUID> both = new TreeSet<>(exact);
        both.addAll(all);
        return new ArrayList<>(both);
    }

    /** The destinations of {@code workspaceId} subscribed to the track event {@code name}, by name or with {@code "*"}. */
    public List<UUID> eventSubscribers(String workspaceId, String name) {
        return subscribers(workspaceId, name, Subscriptions.ALL_EVENTS);
    }

    /** The destinations of {@code workspaceId} subscribed to the segment {@code segmentId}. */
    public List<UUID> segmentSubscribers(String workspaceId, String segmentId) {
        return subscribers(workspaceId, segmentId, null);
    }

    /** One enabled destination and what it subscribed to. */
    record Subscriber(String workspaceId, UUID destinationId, List<String> subscriptions) {
    }
}
