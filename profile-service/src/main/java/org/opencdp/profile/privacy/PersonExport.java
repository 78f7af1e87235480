package org.opencdp.profile.privacy;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The export of what profile holds on one person, bounded so that the acknowledgement carrying it
 * stays one Kafka record (1 MB by default): at most {@code maxBytes} of JSON, whatever the person
 * holds. Sections fill in the order below; an item that does not fit closes its section (nothing
 * after it is listed there, so events stay the newest ones without gaps) and the next section
 * goes on. {@code counts} gives, per section, what profile holds and what was exported, and {@code
 * truncated} whether anything was left out. Pure: the repository streams rows in and stops reading
 * a section once {@link #add} refuses.
 *
 * <pre>{@code
 * {"profiles": [{id, createdAt, updatedAt, mergedInto}],
 *  "identifiers": [{type, value, profileId, firstSeenAt}],
 *  "traits": [{profileId, key, value, sourceId, messageId, observedAt}],
 *  "computedTraits": [{profileId, key, value, updatedAt}],
 *  "events": [{profileId, messageId, type, name, occurredAt, receivedAt, sourceId, event}],
 *  "truncated": false,
 *  "counts": {"profiles": {"total": 1, "exported": 1}, "identifiers": {…}, …, "events": {…}},
 *  "limits": {"maxBytes": 800000, "maxEvents": 10000}}
 * }</pre>
 *
 * A trait removed by an event is listed with a {@code null} value (profile keeps the removal, with
 * its provenance, so an older value delivered late cannot come back).
 */
final class PersonExport {

    /** The lists of an export, in the order they are filled. */
    enum Section {
        PROFILES("profiles"), IDENTIFIERS("identifiers"), TRAITS("traits"), COMPUTED_TRAITS("computedTraits"),
        EVENTS("events");

        final String member;

        Section(String member) {
            this.member = member;
        }
    }

    /** Room kept in the budget for {@code truncated}, {@code counts} and {@code limits} (about 500 bytes). */
    static final int TRAILER_BYTES = 1024;

    private final JsonMapper json;
    private final int maxBytes;
    private final ObjectNode export;
    private final Map<Section, ArrayNode> lists = new EnumMap<>(Section.class);
    private final Set<Section> full = EnumSet.noneOf(Section.class);
    private long used;

    PersonExport(JsonMapper json, int maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
        this.export = json.createObjectNode();
        this.used = 2 + TRAILER_BYTES;
        for (Section section : Section.values()) {
            lists.put(section, export.putArray(section.member));
            used += section.member.length() + 6; // "name":[],
        }
    }

    /**
     * Appends {@code item} to {@code section} if it fits the budget; otherwise the section is full
     * (it takes nothing more) and this answers false.
     */
    boolean add(Section section, ObjectNode item) {
        if (full.contains(section)) {
            return false;
        }
        long size = json.writeValueAsBytes(item).length + 1L;
        if (used + size > maxBytes) {
            full.add(section);
            return false;
        }
        lists.get(section).add(item);
        used += size;
        return true;
    }

    /** How many items {@code section} lists. */
    int exported(Section section) {
        return lists.get(section).size();
    }

    /**
     * The document, with {@code counts} ({@code totals}: what profile holds per section; a section
     * missing from it counts what it lists) and {@code truncated}.
     */
    ObjectNode finish(Map<Section, Long> totals, int maxEvents) {
        ObjectNode counts = json.createObjectNode();
        boolean truncated = false;
        for (Section section : Section.values()) {
            long exported = exported(section);
            long total = Math.max(exported, totals.getOrDefault(section, exported));
            truncated |= exported < total;
            counts.putObject(section.member).put("total", total).put("exported", exported);
        }
        export.put("truncated", truncated);
        export.set("counts", counts);
        export.putObject("limits").put("maxBytes", maxBytes).put("maxEvents", maxEvents);
        return export;
    }
}
