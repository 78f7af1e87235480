package org.opencdp.segmentation.segment;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.kit.paging.PageCursor;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.condition.ConditionException;
import org.opencdp.segmentation.condition.ConditionParser;
import org.opencdp.segmentation.condition.ConditionWriter;
import org.opencdp.segmentation.eventtrait.EventTraits;
import org.opencdp.segmentation.membership.Membership;
import org.opencdp.segmentation.membership.MembershipRepository;
import org.opencdp.segmentation.membership.MembershipTransitions;
import org.opencdp.segmentation.profile.ProfileTraitsRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Segment definitions and what they contain. Every method takes the caller's workspace and touches
 * only its rows; an id of another workspace is "not found". Definition changes hold the workspace's
 * {@link SegmentDefinitionLock} exclusively and leave the evaluation to the {@link SegmentBuilder}.
 */
@Service
class SegmentService {

    /** JSON pointer of the condition in request bodies, so errors point into the body. */
    private static final String CONDITION_POINTER = "/condition";

    private final SegmentRepository segments;
    private final MembershipRepository memberships;
    private final MembershipTransitions transitions;
    private final ProfileTraitsRepository profiles;
    private final SegmentDefinitionLock definitionLock;
    private final SegmentBuilder builder;
    private final EventTraits eventTraits;
    private final ConditionParser parser = new ConditionParser();
    private final ConditionWriter writer = new ConditionWriter();
    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    SegmentService(SegmentRepository segments, MembershipRepository memberships, MembershipTransitions transitions,
                   ProfileTraitsRepository profiles, SegmentDefinitionLock definitionLock, SegmentBuilder builder,
                   EventTraits eventTraits) {
        this.eventTraits = eventTraits;
        this.segments = segments;
        this.memberships = memberships;
        this.transitions = transitions;
        this.profiles = profiles;
        this.definitionLock = definitionLock;
        this.builder = builder;
    }

    /**
     * Stores a new segment. The hidden traits of its {@code event} nodes are set up in profile-service
     * first (503 {@code profile_unavailable} when it cannot be reached, nothing stored), outside the
     * definition lock so that a slow answer holds up no evaluation; references are checked before
     * (so a refused condition creates nothing there) and again under the lock.
     */
    @Transactional
    SegmentResponse create(String workspaceId, SegmentRequest request) {
        Condition parsed = parser.parse(request.condition(), CONDITION_POINTER);
        String id = UUID.randomUUID().toString();
        checkReferences(workspaceId, id, parsed);
        eventTraits.ensure(workspaceId, parsed, CONDITION_POINTER);
        definitionLock.forChange(workspaceId);
        checkReferences(workspaceId, id, parsed);
        Instant now = now();
        segments.insert(workspaceId, id, request.name().strip(), writer.toJson(parsed), phase(parsed), now);
        buildAfterCommit();
        return response(segments.find(workspaceId, id).orElseThrow(), 0);
    }

    @Transactional(readOnly = true)
    List<SegmentResponse> list(String workspaceId) {
        Map<String, Long> sizes = memberships.sizes(workspaceId);
        return segments.list(workspaceId).stream()
                .map(row -> response(row, sizes.getOrDefault(row.id(), 0L)))
                .toList();
    }

    @Transactional(readOnly = true)
    SegmentResponse get(String workspaceId, String id) {
        SegmentRow row = segments.find(workspaceId, id).orElseThrow(() -> notFound(id));
        return response(row, memberships.size(workspaceId, id));
    }

    /** Replaces name and condition; a different condition sends the segment back to {@code building}. */
    @Transactional
    SegmentResponse update(String workspaceId, String id, SegmentRequest request) {
        Condition condition = parser.parse(request.condition(), CONDITION_POINTER);
        segments.find(workspaceId, id).orElseThrow(() -> notFound(id));
        checkReferences(workspaceId, id, condition);
        eventTraits.ensure(workspaceId, condition, CONDITION_POINTER);
        definitionLock.forChange(workspaceId);
        SegmentRow current = segments.lock(workspaceId, id).orElseThrow(() -> notFound(id));
        checkReferences(workspaceId, id, condition);
        Condition previous = parser.parse(current.condition());
        boolean rebuild = !previous.equals(condition);
        SegmentRow updated = segments.update(workspaceId, id, request.name().strip(), writer.toJson(condition),
                rebuild, phase(condition), now());
        if (rebuild) {
            deleteUnusedEventTraitsAfterCommit(workspaceId, previous);
            buildAfterCommit();
        }
        return response(updated, memberships.size(workspaceId, id));
    }

    /** Publishes an exit for every member, then removes the segment and its memberships. */
    @Transactional
    void delete(String workspaceId, String id) {
        definitionLock.forChange(workspaceId);
        segments.lock(workspaceId, id).orElseThrow(() -> notFound(id));
        List<String> referencing = references(workspaceId).entrySet().stream()
                .filter(e -> !e.getKey().equals(id) && e.getValue().contains(id)).map(Map.Entry::getKey).sorted().toList();
        if (!referencing.isEmpty()) {
            throw CdpException.conflict("segment_in_use", "Segment '" + id + "' is referenced by "
                    + referencing.size() + " other segment(s); change or delete them first.")
                    .with("referencedBy", referencing);
        }
        Condition condition = parser.parse(segments.find(workspaceId, id).orElseThrow().condition());
        transitions.exitAllForDeletion(workspaceId, id);
        segments.delete(workspaceId, id);
        deleteUnusedEventTraitsAfterCommit(workspaceId, condition);
    }

    /**
     * Evaluates a condition over every known profile of the workspace, in the database (its SQL form,
     * {@link org.opencdp.segmentation.condition.ConditionSql}); stores nothing.
     */
    @Transactional(readOnly = true)
    PreviewResponse preview(String workspaceId, JsonNode json) {
        Condition condition = parser.parse(json, CONDITION_POINTER);
        checkReferences(workspaceId, null, condition);
        eventTraits.requireReady(workspaceId, condition, CONDITION_POINTER);
        ProfileTraitsRepository.Matches matches = profiles.matching(workspaceId, condition, PreviewResponse.SAMPLE_SIZE);
        return new PreviewResponse(matches.size(), matches.sample());
    }

    @Transactional(readOnly = true)
    MembersResponse members(String workspaceId, String id, int limit, String cursor) {
        String after = PageCursor.after(cursor, 1, keys -> keys.getFirst()).orElse("");
        segments.find(workspaceId, id).orElseThrow(() -> notFound(id));
        List<Membership> page = memberships.page(workspaceId, id, after, limit + 1);
        boolean more = page.size() > limit;
        List<Membership> items = more ? page.subList(0, limit) : page;
        return new MembersResponse(
                items.stream().map(m -> new MembersResponse.Member(m.profileId(), m.since())).toList(),
                more ? PageCursor.encode(items.getLast().profileId()) : null);
    }

    @Transactional(readOnly = true)
    ProfileSegmentsResponse profileSegments(String workspaceId, String profileId) {
        if (!profiles.exists(workspaceId, profileId)) {
            throw CdpException.notFound("profile", profileId);
        }
        return new ProfileSegmentsResponse(profileId, memberships.ofProfile(workspaceId, profileId).stream()
                .map(m -> new ProfileSegmentsResponse.Segment(m.segmentId(), m.name(), m.since()))
                .toList());
    }

    /**
     * Refuses (400 {@code invalid_condition}, pointing at the node) a {@code segment} node that names no
     * segment of the workspace, and one that would close a cycle: {@code id} (the segment being stored;
     * null for a preview) referenced by itself or through the segments it references. Call it holding
     * the definition lock, so the graph cannot change meanwhile.
     */
    private void checkReferences(String workspaceId, String id, Condition condition) {
        List<ConditionEvaluator.Reference> references = evaluator.references(condition);
        if (references.isEmpty()) {
            return;
        }
        Map<String, Set<String>> graph = references(workspaceId);
        for (ConditionEvaluator.Reference reference : references) {
            String pointer = CONDITION_POINTER + reference.pointer();
            if (reference.segmentId().equals(id)) {
                throw ConditionException.invalid(pointer, "A segment cannot contain itself.");
            }
            if (!graph.containsKey(reference.segmentId())) {
                throw ConditionException.invalid(pointer, "No segment '" + reference.segmentId()
                        + "' in this workspace.");
            }
            if (id != null && reaches(graph, reference.segmentId(), id, new HashSet<>())) {
                throw ConditionException.invalid(pointer, "Segment '" + reference.segmentId()
                        + "' refers back to this segment; references may not form a cycle.");
            }
        }
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        return graph.getOrDefault(from, Set.of()).stream().anyMatch(next -> reaches(graph, next, target, seen));
    }

    /** Each segment of the workspace → the segments its condition references. */
    private Map<String, Set<String>> references(String workspaceId) {
        Map<String, Set<String>> graph = new HashMap<>();
        for (SegmentRow row : segments.list(workspaceId)) {
            graph.put(row.id(), evaluator.reads(parser.parse(row.condition())).segments());
        }
        return graph;
    }

    private SegmentResponse response(SegmentRow row, long size) {
        BuildPhase phase = row.status() == SegmentStatus.ready ? BuildPhase.evaluating : row.buildPhase();
        JsonNode waiting = phase == BuildPhase.waiting_for_event_traits && row.buildWaiting() != null
                ? row.buildWaiting() : JsonNodeFactory.instance.arrayNode();
        return new SegmentResponse(row.id(), row.name(), writer.toJson(parser.parse(row.condition())), row.status(),
                size, new SegmentResponse.Progress(row.buildProcessed(), Math.max(row.buildTotal(), row.buildProcessed()),
                phase, waiting), row.createdAt(), row.updatedAt());
    }

    private BuildPhase phase(Condition condition) {
        return eventTraits.keys(condition).isEmpty() ? BuildPhase.evaluating : BuildPhase.waiting_for_event_traits;
    }

    /**
     * After the change commits, deletes in profile-service the hidden traits {@code dropped} read that no
     * segment of the workspace reads any more (decided now, under the definition lock).
     */
    private void deleteUnusedEventTraitsAfterCommit(String workspaceId, Condition dropped) {
        Set<String> unused = new HashSet<>(eventTraits.keys(dropped));
        if (unused.isEmpty()) {
            return;
        }
        segments.list(workspaceId).forEach(row -> unused.removeAll(eventTraits.keys(parser.parse(row.condition()))));
        if (!unused.isEmpty()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    eventTraits.deleteUnused(workspaceId, unused);
                }
            });
        }
    }

    private void buildAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                builder.wakeUp();
            }
        });
    }

    private static CdpException notFound(String id) {
        return CdpException.notFound("segment", id);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
