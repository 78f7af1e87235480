package org.opencdp.identity.privacy;

import java.util.List;
import org.opencdp.identity.graph.IdentityLink;
import org.opencdp.identity.graph.IdentityRepository;
import org.opencdp.identity.merge.MergeRecord;
import org.opencdp.identity.merge.MergeRepository;
import org.opencdp.identity.privacy.PersonStore.PersonProfile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The export of one person, bounded so that the acknowledgement carrying it stays a Kafka record
 * (1 MB by default): at most {@code identifiersPerProfile} identifiers per profile (its earliest)
 * and, whatever the counts, at most {@code maxBytes} of JSON; what did not fit is counted in {@code
 * omitted} and {@code complete} is false. Profiles come first, then identifiers, then merges, each
 * list in its order until the first item that does not fit.
 *
 * <pre>{@code
 * {"profiles": [{id, createdAt, mergedInto, mergedAt, mergeCount}],
 *  "identifiers": [{type, value, profileId, firstSeenAt, firstEventId, firstSourceId}],
 *  "merges": [{id, survivorId, mergedIds, identifiers, dropped, eventId, messageId, sourceId, rule,
 *              rulesVersion, mergedAt}],
 *  "complete": true, "omitted": {"profiles": 0, "identifiers": 0, "merges": 0},
 *  "limits": {"identifiersPerProfile": 2000, "mergesListed": 1000, "maxBytes": 800000}}
 * }</pre>
 */
final class PersonExport {

    /** Room kept in the byte budget for the members after the lists. */
    private static final int TRAILER_BYTES = 512;

    private final JsonMapper json;
    private final int maxBytes;
    private final ObjectNode export;
    private long used;

    private PersonExport(JsonMapper json, int maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
        this.export = json.createObjectNode();
        this.used = 2 + TRAILER_BYTES;
    }

    /** The export of {@code profiles}, with their identifiers and merges as listed by the repositories. */
    static ObjectNode of(JsonMapper json, int maxBytes, int identifiersPerProfile, int mergesListed,
                         List<PersonProfile> profiles, IdentityRepository.Listed identifiers,
                         MergeRepository.Involving merges) {
        PersonExport builder = new PersonExport(json, maxBytes);
        long omittedProfiles = builder.list("profiles", profiles.stream().map(builder::profile).toList());
        long omittedIdentifiers = builder.list("identifiers", identifiers.links().stream().map(builder::identifier)
                .toList()) + identifiers.omitted();
        long omittedMerges = builder.list("merges", merges.merges().stream().map(builder::merge).toList())
                + (merges.total() - merges.merges().size());
        ObjectNode export = builder.export;
        export.put("complete", omittedProfiles + omittedIdentifiers + omittedMerges == 0);
        export.putObject("omitted").put("profiles", omittedProfiles).put("identifiers", omittedIdentifiers)
                .put("merges", omittedMerges);
        export.putObject("limits").put("identifiersPerProfile", identifiersPerProfile)
                .put("mergesListed", mergesListed).put("maxBytes", maxBytes);
        return export;
    }

    /** Adds {@code items} to the array {@code name} while they fit the budget; returns how many did not. */
    private long list(String name, List<? extends JsonNode> items) {
        ArrayNode array = export.putArray(name);
        used += name.length() + 5;
        for (int i = 0; i < items.size(); i++) {
            int size = json.writeValueAsBytes(items.get(i)).length + 1;
            if (used + size > maxBytes) {
                return items.size() - i;
            }
            array.add(items.get(i));
            used += size;
        }
        return 0;
    }

    private ObjectNode profile(PersonProfile profile) {
        ObjectNode node = json.createObjectNode().put("id", profile.id())
                .put("createdAt", profile.createdAt().toString());
        node.put("mergedInto", profile.mergedInto());
        node.put("mergedAt", profile.mergedAt() == null ? null : profile.mergedAt().toString());
        return node.put("mergeCount", profile.mergeCount());
    }

    private ObjectNode identifier(IdentityLink link) {
        return json.createObjectNode().put("type", link.identifier().type()).put("value", link.identifier().value())
                .put("profileId", link.profileId()).put("firstSeenAt", link.firstSeenAt().toString())
                .put("firstEventId", link.firstEventId()).put("firstSourceId", link.firstSourceId());
    }

    private ObjectNode merge(MergeRecord merge) {
        ObjectNode node = json.createObjectNode().put("id", merge.id().toString()).put("survivorId", merge.survivorId());
        merge.mergedIds().forEach(node.putArray("mergedIds")::add);
        ArrayNode identifiers = node.putArray("identifiers");
        merge.identifiers().forEach(id -> identifiers.addObject().put("type", id.type()).put("value", id.value()));
        ArrayNode dropped = node.putArray("dropped");
        merge.dropped().forEach(d -> dropped.addObject().put("type", d.identifier().type())
                .put("value", d.identifier().value()).put("reason", d.reason()));
        return node.put("eventId", merge.eventId().toString()).put("messageId", merge.messageId())
                .put("sourceId", merge.sourceId()).put("rule", merge.rule()).put("rulesVersion", merge.rulesVersion())
                .put("mergedAt", merge.mergedAt().toString());
    }
}
