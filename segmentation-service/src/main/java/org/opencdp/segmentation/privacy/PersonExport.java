package org.opencdp.segmentation.privacy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opencdp.segmentation.privacy.PrivacyRepository.MergeRecord;
import org.opencdp.segmentation.privacy.PrivacyRepository.StoredMembership;
import org.opencdp.segmentation.privacy.PrivacyRepository.StoredProfile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What segmentation holds on one person, as JSON, bounded so that the acknowledgement carrying it
 * stays a Kafka record: at most {@code maxBytes} of JSON (UTF-8), whatever the counts. The lists
 * come in order of what is segmentation's own: the person's current memberships first, then the
 * trait projection (a copy of profile-service's data), the merge records, and the memberships the
 * person had and left. Each list is filled in its order until the first item that does not fit;
 * a profile whose traits alone do not fit is listed with the traits that do (keys in order) and
 * {@code "complete": false}. What was left out is counted in {@code omitted}, and {@code truncated}
 * says whether anything was.
 *
 * <pre>{@code
 * {"profileIds": [the command's ids and the ids merged into them],
 *  "memberships": [{profileId, segmentId, name, since}],
 *  "profiles": [{profileId, traits, computedTraits, updatedAt, complete}],
 *  "merges": [{profileId, survivorId, mergedAt}],
 *  "formerMemberships": [{profileId, segmentId, name, leftAt}],
 *  "truncated": false,
 *  "omitted": {"profileIds": 0, "memberships": 0, "profiles": 0, "traits": 0, "merges": 0,
 *              "formerMemberships": 0},
 *  "maxBytes": 800000}
 * }</pre>
 */
final class PersonExport {

    /** Room kept in the budget for the members after the lists ({@code truncated}, {@code omitted}, {@code maxBytes}). */
    private static final int TRAILER_BYTES = 256;

    private final JsonMapper json;
    private final int maxBytes;
    private final ObjectNode export;
    private long used;
    private long omittedTraits;

    private PersonExport(JsonMapper json, int maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
        this.export = json.createObjectNode();
        this.used = 2 + TRAILER_BYTES;
    }

    /** The export of the person of {@code profileIds}, from what the repository read. */
    static ObjectNode of(JsonMapper json, int maxBytes, List<String> profileIds, List<StoredProfile> profiles,
                         List<StoredMembership> memberships, List<MergeRecord> merges) {
        PersonExport builder = new PersonExport(json, maxBytes);
        ArrayNode ids = json.createArrayNode();
        profileIds.forEach(ids::add);
        long omittedIds = builder.list("profileIds", ids.valueStream().toList(), false);
        long omittedMemberships = builder.list("memberships", memberships.stream().filter(StoredMembership::member)
                .map(builder::current).toList(), false);
        long omittedProfiles = builder.list("profiles", profiles.stream().map(builder::profile).toList(), true);
        long omittedMerges = builder.list("merges", merges.stream().map(builder::merge).toList(), false);
        long omittedFormer = builder.list("formerMemberships", memberships.stream().filter(m -> !m.member())
                .map(builder::former).toList(), false);
        ObjectNode export = builder.export;
        export.put("truncated", omittedIds + omittedMemberships + omittedProfiles + builder.omittedTraits
                + omittedMerges + omittedFormer > 0);
        export.putObject("omitted").put("profileIds", omittedIds).put("memberships", omittedMemberships)
                .put("profiles", omittedProfiles).put("traits", builder.omittedTraits).put("merges", omittedMerges)
                .put("formerMemberships", omittedFormer);
        export.put("maxBytes", maxBytes);
        return export;
    }

    /**
     * Adds {@code items} to the array {@code name} while they fit the budget; returns how many did
     * not. With {@code partial}, the first item that does not fit is added cut down ({@link #cut})
     * when its cut-down form fits, and counts as listed.
     */
    private long list(String name, List<? extends JsonNode> items, boolean partial) {
        ArrayNode array = export.putArray(name);
        used += name.length() + 5;
        for (int i = 0; i < items.size(); i++) {
            long size = bytes(items.get(i)) + 1;
            if (used + size > maxBytes) {
                if (partial && items.get(i) instanceof ObjectNode profile) {
                    ObjectNode cut = cut(profile, maxBytes - used - 1);
                    if (cut != null) {
                        array.add(cut);
                        used += bytes(cut) + 1;
                        return items.size() - i - 1;
                    }
                }
                return items.size() - i;
            }
            array.add(items.get(i));
            used += size;
        }
        return 0;
    }

    /**
     * The profile with as many of its traits and computed traits as fit in {@code room} bytes (in key
     * order, traits first) and {@code "complete": false}; null when not even its id and time fit.
     * The keys left out are counted in {@code omitted.traits}.
     */
    private ObjectNode cut(ObjectNode profile, long room) {
        ObjectNode cut = json.createObjectNode().put("profileId", profile.path("profileId").asString());
        ObjectNode traits = cut.putObject("traits");
        ObjectNode computed = cut.putObject("computedTraits");
        cut.put("updatedAt", profile.path("updatedAt").asString()).put("complete", false);
        long size = bytes(cut);
        if (size > room) {
            return null;
        }
        long left = 0;
        for (String member : List.of("traits", "computedTraits")) {
            ObjectNode target = member.equals("traits") ? traits : computed;
            Map<String, JsonNode> sorted = new TreeMap<>();
            profile.path(member).forEachEntry(sorted::put);
            boolean full = false;
            for (Map.Entry<String, JsonNode> entry : sorted.entrySet()) {
                // "key": value, — the key's JSON string, a colon and a comma
                long entrySize = bytes(json.getNodeFactory().stringNode(entry.getKey())) + bytes(entry.getValue()) + 2;
                if (full || size + entrySize > room) {
                    full = true;
                    left++;
                    continue;
                }
                target.set(entry.getKey(), entry.getValue());
                size += entrySize;
            }
        }
        omittedTraits += left;
        return cut;
    }

    private long bytes(JsonNode node) {
        return json.writeValueAsBytes(node).length;
    }

    private ObjectNode current(StoredMembership membership) {
        return json.createObjectNode().put("profileId", membership.profileId()).put("segmentId", membership.segmentId())
                .put("name", membership.name()).put("since", membership.changedAt().toString());
    }

    private ObjectNode former(StoredMembership membership) {
        return json.createObjectNode().put("profileId", membership.profileId()).put("segmentId", membership.segmentId())
                .put("name", membership.name()).put("leftAt", membership.changedAt().toString());
    }

    private ObjectNode profile(StoredProfile profile) {
        ObjectNode node = json.createObjectNode().put("profileId", profile.profileId());
        node.set("traits", json.readTree(profile.traits()));
        node.set("computedTraits", json.readTree(profile.computedTraits()));
        return node.put("updatedAt", profile.updatedAt().toString()).put("complete", true);
    }

    private ObjectNode merge(MergeRecord merge) {
        return json.createObjectNode().put("profileId", merge.profileId()).put("survivorId", merge.survivorId())
                .put("mergedAt", merge.mergedAt().toString());
    }
}
