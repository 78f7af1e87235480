package org.opencdp.profile.merge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import tools.jackson.databind.JsonNode;

/**
 * Keeps every {@link ProfileChanged} a Kafka record (issue 15). A merge publishes the survivor's
 * changed traits and the merged profiles' removals, and a profile's traits have no total limit (each
 * event's are, at 32 KB), so one merge's change can outgrow Kafka's 1 MB record and would be parked
 * by the outbox: segmentation's copy of the survivor would then stay wrong for good. Such a change
 * is split into parts of at most {@link #MAX_BYTES} of JSON, each a {@code ProfileChanged} of the
 * same profile, time and {@code version} with some of the keys (disjoint). A change is a set of new
 * values per key, so the parts together say what the whole said, in any order; consumers guard each
 * key by the version that last wrote it, and a version equal to that one is accepted, so every part
 * applies (issue 15). The first part keeps the change's id, the others get ids derived from it, so a
 * merge done again publishes the same parts.
 */
final class ProfileChangeParts {

    /** Half of Kafka's default 1 MB record, leaving room for the envelope and headers. */
    static final int MAX_BYTES = 500_000;

    /** What one key adds to the JSON besides its name and value: quotes, colon, comma. */
    private static final int PER_KEY_OVERHEAD = 4;

    private ProfileChangeParts() {
    }

    static List<ProfileChanged> split(ProfileChanged change) {
        return split(change, MAX_BYTES);
    }

    static List<ProfileChanged> split(ProfileChanged change, int maxBytes) {
        if (MessageCodec.toBytes(change).length <= maxBytes) {
            return List.of(change);
        }
        int budget = maxBytes - MessageCodec.toBytes(part(change, 0, Map.of(), Map.of())).length;
        List<ProfileChanged> parts = new ArrayList<>();
        Map<String, JsonNode> traits = new LinkedHashMap<>();
        Map<String, JsonNode> computed = new LinkedHashMap<>();
        int used = 0;
        for (boolean ofTraits : new boolean[] {true, false}) {
            Map<String, JsonNode> source = ofTraits ? change.traits() : change.computedTraits();
            if (source == null) {
                continue;
            }
            for (Map.Entry<String, JsonNode> entry : source.entrySet()) {
                int size = sizeOf(entry);
                if (used > 0 && used + size > budget) {
                    parts.add(part(change, parts.size(), traits, computed));
                    traits = new LinkedHashMap<>();
                    computed = new LinkedHashMap<>();
                    used = 0;
                }
                (ofTraits ? traits : computed).put(entry.getKey(), entry.getValue());
                used += size;
            }
        }
        if (used > 0) {
            parts.add(part(change, parts.size(), traits, computed));
        }
        return List.copyOf(parts);
    }

    private static ProfileChanged part(ProfileChanged change, int index, Map<String, JsonNode> traits,
                                       Map<String, JsonNode> computed) {
        UUID id = index == 0 ? change.id() : UUID.nameUUIDFromBytes((change.id() + ":part:" + index)
                .getBytes(StandardCharsets.UTF_8));
        return new ProfileChanged(id, change.workspaceId(), change.occurredAt(), change.profileId(), Map.copyOf(traits),
                Map.copyOf(computed), change.version());
    }

    private static int sizeOf(Map.Entry<String, JsonNode> entry) {
        return entry.getKey().getBytes(StandardCharsets.UTF_8).length + PER_KEY_OVERHEAD
                + MessageCodec.mapper().writeValueAsBytes(entry.getValue()).length;
    }
}
