package org.opencdp.segmentation.segment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.condition.ConditionParser;
import org.opencdp.segmentation.condition.Reads;
import java.util.HashSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * The segment definitions of a chunk's workspaces, read once per chunk: every call reads the
 * segments' ids, versions and status (one statement), and the conditions of only those whose
 * (id, version) it has not parsed before (a second statement, only then). Parsed conditions are
 * kept per workspace, for the versions last read: a PUT that changes a condition raises its version
 * and a DELETE removes the segment, so the next chunk of that workspace re-reads and forgets the old
 * entry; the memory kept is bounded by the segments that exist.
 *
 * <p>Call it while holding {@link SegmentDefinitionLock#forEvaluation} for the workspaces: no
 * definition can change between the two statements then.
 */
@Component
public class SegmentCatalog {

    private final SegmentRepository segments;
    private final ConditionParser parser = new ConditionParser();
    private final ConditionEvaluator evaluator = new ConditionEvaluator();
    /** workspace → (segment id, version) → parsed condition; each inner map is replaced, never changed. */
    private final ConcurrentMap<String, Map<Versioned, Parsed>> parsed = new ConcurrentHashMap<>();

    SegmentCatalog(SegmentRepository segments) {
        this.segments = segments;
    }

    /** Every segment of each of {@code workspaceIds} (building or ready); a workspace without any is absent. */
    public Map<String, List<SegmentDefinition>> definitions(Collection<String> workspaceIds) {
        List<SegmentRepository.SegmentVersion> current = segments.versions(workspaceIds);
        List<SegmentRepository.SegmentVersion> unparsed = current.stream()
                .filter(s -> !parsed.getOrDefault(s.workspaceId(), Map.of()).containsKey(Versioned.of(s)))
                .toList();
        Map<String, Map<Versioned, Parsed>> read = new HashMap<>();
        for (SegmentRepository.StoredCondition stored : segments.conditions(unparsed)) {
            Condition condition = parser.parse(stored.condition());
            read.computeIfAbsent(stored.workspaceId(), w -> new HashMap<>())
                    .put(new Versioned(stored.id(), stored.version()),
                            new Parsed(condition, evaluator.reads(condition)));
        }

        Map<String, List<SegmentDefinition>> definitions = new HashMap<>();
        Map<String, Map<Versioned, Parsed>> kept = new HashMap<>();
        for (SegmentRepository.SegmentVersion segment : current) {
            Versioned key = Versioned.of(segment);
            Parsed condition = parsed.getOrDefault(segment.workspaceId(), Map.of()).get(key);
            if (condition == null) {
                condition = read.getOrDefault(segment.workspaceId(), Map.of()).get(key);
            }
            if (condition == null) {
                // its version moved between the two reads: only possible without the definition lock
                throw new OptimisticLockingFailureException("Segment " + segment.id() + " changed while it was read");
            }
            kept.computeIfAbsent(segment.workspaceId(), w -> new HashMap<>()).put(key, condition);
            definitions.computeIfAbsent(segment.workspaceId(), w -> new ArrayList<>())
                    .add(new SegmentDefinition(segment.id(), segment.version(), segment.building(),
                            condition.condition(), condition.reads()));
        }
        definitions.replaceAll((workspaceId, list) -> dependencyOrder(list));
        for (String workspaceId : workspaceIds) {
            Map<Versioned, Parsed> now = kept.get(workspaceId);
            if (now == null) {
                parsed.remove(workspaceId);
            } else if (!now.equals(parsed.get(workspaceId))) {
                parsed.put(workspaceId, Map.copyOf(now));
            }
        }
        return definitions;
    }

    /**
     * The segments ordered so that each comes after the segments it references (ties by id). The API
     * refuses cycles and references to missing segments; a reference to a segment absent from the list
     * (deleted meanwhile) reads as "not a member", and should a cycle ever be stored its members keep
     * their id order.
     */
    static List<SegmentDefinition> dependencyOrder(List<SegmentDefinition> segments) {
        Map<String, SegmentDefinition> byId = new TreeMap<>();
        segments.forEach(s -> byId.put(s.id(), s));
        List<SegmentDefinition> ordered = new ArrayList<>(segments.size());
        Set<String> placed = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (String id : byId.keySet()) {
            place(id, byId, placed, visiting, ordered);
        }
        return List.copyOf(ordered);
    }

    private static void place(String id, Map<String, SegmentDefinition> byId, Set<String> placed, Set<String> visiting,
                              List<SegmentDefinition> ordered) {
        SegmentDefinition segment = byId.get(id);
        if (segment == null || placed.contains(id) || !visiting.add(id)) {
            return;
        }
        new TreeSet<>(segment.reads().segments()).forEach(ref -> place(ref, byId, placed, visiting, ordered));
        visiting.remove(id);
        placed.add(id);
        ordered.add(segment);
    }

    private record Versioned(String id, long version) {

        static Versioned of(SegmentRepository.SegmentVersion segment) {
            return new Versioned(segment.id(), segment.version());
        }
    }

    private record Parsed(Condition condition, Reads reads) {
    }
}
