package org.opencdp.identity.resolution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.opencdp.identity.graph.DroppedIdentifier;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.graph.Sighting;
import org.opencdp.identity.rules.Caps;
import org.opencdp.identity.rules.IdentifierRule;
import org.opencdp.identity.rules.WorkspaceRules;

/**
 * The part of one workspace's identity graph a transaction holds locked: the links of every
 * identifier its events carry, and the profiles those links point at. Events resolve against it in
 * memory, one after the other, by flat matching (Segment's algorithm):
 *
 * <ol>
 *   <li>look up every identifier of the event;
 *   <li>none known: a new profile holding them all; one profile: join it (attach the new ones);
 *       several: merge them into the oldest;
 *   <li>if that would break a rule (a per-type limit, two profiles with user ids, the caps on merges
 *       and identifiers per profile), drop the event's lowest-priority identifier and try again.
 * </ol>
 *
 * Then the transaction writes what changed ({@link GraphStore#flush}). Nothing here touches the
 * database, so the algorithm is tested on its own.
 */
final class WorkspaceGraph {

    private final String workspaceId;
    private final Supplier<String> newIds;
    private final Supplier<Instant> clock;
    private final Map<PersonIdentifier, GraphLink> links = new HashMap<>();
    private final Map<String, GraphProfile> profiles = new LinkedHashMap<>();

    WorkspaceGraph(String workspaceId, Supplier<String> newIds, Supplier<Instant> clock) {
        this.workspaceId = workspaceId;
        this.newIds = newIds;
        this.clock = clock;
    }

    String workspaceId() {
        return workspaceId;
    }

    /** Adds a profile read (and locked) from the database. */
    void addProfile(String id, Instant createdAt, int mergeCount, Map<String, Integer> counts) {
        profiles.put(id, new GraphProfile(id, createdAt, false, mergeCount, counts));
    }

    /** Adds the stored link of an identifier. */
    void addLink(PersonIdentifier identifier, String profileId, Instant firstSeenAt) {
        links.put(identifier, new GraphLink(profileId, false, firstSeenAt, null));
    }

    Map<PersonIdentifier, GraphLink> links() {
        return links;
    }

    Map<String, GraphProfile> profiles() {
        return profiles;
    }

    /** The profile {@code profileId} ends up in after this transaction's merges so far. */
    String canonical(String profileId) {
        String id = profileId;
        GraphProfile profile = profiles.get(id);
        while (profile != null && profile.mergedInto != null) {
            id = profile.mergedInto;
            profile = profiles.get(id);
        }
        return id;
    }

    /**
     * Whether {@code input} would change nothing: every identifier it looks up is attached, all to
     * one profile, and it was seen no earlier than any of them. Such an event resolves to that
     * profile without reading it, so {@link GraphStore} does not lock the profiles of events that
     * change nothing when it loads the graph, before any of them is resolved.
     */
    boolean changesNothing(ResolutionInput input) {
        String profileId = null;
        for (PersonIdentifier identifier : input.lookups()) {
            GraphLink link = links.get(identifier);
            if (link == null || input.sighting().seenAt().isBefore(link.firstSeenAt)) {
                return false;
            }
            String id = canonical(link.profileId);
            if (profileId != null && !profileId.equals(id)) {
                return false;
            }
            profileId = id;
        }
        return profileId != null;
    }

    /** Resolves one event of this workspace and applies the outcome to the graph. */
    Resolution resolve(ResolutionInput input) {
        List<Candidate> candidates = candidates(input);
        if (changesNothing(input)) {
            return new Resolution(canonical(links.get(candidates.getFirst().identifier()).profileId),
                    candidates.stream().map(Candidate::identifier).toList(), List.of(), null, false);
        }
        WorkspaceRules rules = input.rules();
        List<DroppedIdentifier> dropped = new ArrayList<>();
        while (true) {
            List<GraphProfile> matched = matchedProfiles(candidates);
            Map<String, Integer> unknown = unknownCounts(candidates);
            Optional<String> broken = brokenRule(matched, unknown, rules);
            if (broken.isEmpty()) {
                return apply(input, candidates, matched, dropped);
            }
            // flat matching never empties the list: one identifier alone always resolves
            Candidate lowest = candidates.removeLast();
            dropped.add(new DroppedIdentifier(lowest.identifier(), broken.get()));
        }
    }

    /**
     * The event's identifiers, highest priority first: by the rules' priority, the event's own
     * before those derived from an alias's previousId, then by type and value (so the order, and
     * with it what is dropped, depends on nothing but the identifiers).
     */
    private List<Candidate> candidates(ResolutionInput input) {
        Map<PersonIdentifier, Candidate> candidates = new LinkedHashMap<>();
        for (PersonIdentifier identifier : input.identifiers()) {
            candidates.put(identifier, new Candidate(identifier, priority(input, identifier), false));
        }
        if (input.previousId() != null) {
            List<PersonIdentifier> readings = List.of(
                    new PersonIdentifier(IdentifierTypes.USER_ID, input.previousId()),
                    new PersonIdentifier(IdentifierTypes.ANONYMOUS_ID, input.previousId()));
            List<PersonIdentifier> known = readings.stream().filter(links::containsKey).toList();
            // an unknown previousId is most likely the anonymous id the person had before
            for (PersonIdentifier reading : known.isEmpty() ? List.of(readings.get(1)) : known) {
                candidates.putIfAbsent(reading, new Candidate(reading, priority(input, reading), true));
            }
        }
        List<Candidate> sorted = new ArrayList<>(candidates.values());
        sorted.sort(Candidate.PRIORITY);
        return sorted;
    }

    private static int priority(ResolutionInput input, PersonIdentifier identifier) {
        return input.rules().ruleFor(identifier.type()).priority();
    }

    /** The distinct profiles the candidates are attached to, oldest first (the survivor of a merge first). */
    private List<GraphProfile> matchedProfiles(List<Candidate> candidates) {
        Map<String, GraphProfile> matched = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            GraphLink link = links.get(candidate.identifier());
            if (link != null) {
                String id = canonical(link.profileId);
                GraphProfile profile = profiles.get(id);
                if (profile == null) {
                    throw new IllegalStateException("Profile " + id + " of " + candidate.identifier()
                            + " was not locked: only events that change nothing may resolve to unlocked profiles");
                }
                matched.putIfAbsent(id, profile);
            }
        }
        List<GraphProfile> oldestFirst = new ArrayList<>(matched.values());
        oldestFirst.sort(Comparator.comparing((GraphProfile p) -> p.createdAt).thenComparing(p -> p.id));
        return oldestFirst;
    }

    private Map<String, Integer> unknownCounts(List<Candidate> candidates) {
        Map<String, Integer> counts = new HashMap<>();
        for (Candidate candidate : candidates) {
            if (!links.containsKey(candidate.identifier())) {
                counts.merge(candidate.identifier().type(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * The rule that joining the unknown identifiers to the matched profiles (merged) would break, if
     * any. A count only breaks a limit when the operation makes it grow: a profile already over a
     * limit that was lowered later still takes events that add nothing of that type.
     */
    private static Optional<String> brokenRule(List<GraphProfile> matched, Map<String, Integer> unknown,
                                               WorkspaceRules rules) {
        if (matched.stream().filter(p -> p.count(IdentifierTypes.USER_ID) > 0).count() > 1) {
            return Optional.of("profiles with different user_ids are never merged");
        }
        Map<String, Long> after = new HashMap<>();
        Map<String, Long> largest = new HashMap<>();
        for (GraphProfile profile : matched) {
            profile.counts.forEach((type, count) -> {
                after.merge(type, (long) count, Long::sum);
                largest.merge(type, (long) count, Math::max);
            });
        }
        unknown.forEach((type, count) -> after.merge(type, (long) count, Long::sum));
        for (Map.Entry<String, Long> entry : after.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            String type = entry.getKey();
            IdentifierRule rule = rules.ruleFor(type);
            if (entry.getValue() > largest.getOrDefault(type, 0L) && rule.exceededBy(entry.getValue())) {
                return Optional.of("a profile holds at most " + rule.limit() + " " + type);
            }
        }
        Caps caps = rules.caps();
        if (matched.size() > 1) {
            long merges = matched.stream().mapToLong(p -> p.mergeCount).sum() + matched.size() - 1;
            if (merges > caps.maxMergesPerProfile()) {
                return Optional.of("a profile absorbs at most " + caps.maxMergesPerProfile() + " merges");
            }
        }
        long total = after.values().stream().mapToLong(Long::longValue).sum();
        long largestTotal = matched.stream().mapToLong(GraphProfile::total).max().orElse(0);
        if (total > largestTotal && total > caps.maxIdentifiersPerProfile()) {
            return Optional.of("a profile holds at most " + caps.maxIdentifiersPerProfile() + " identifiers");
        }
        return Optional.empty();
    }

    private Resolution apply(ResolutionInput input, List<Candidate> candidates, List<GraphProfile> matched,
                             List<DroppedIdentifier> dropped) {
        Sighting sighting = input.sighting();
        GraphProfile survivor = matched.isEmpty() ? create() : matched.getFirst();
        List<GraphProfile> mergedAway = matched.isEmpty() ? List.of() : matched.subList(1, matched.size());
        List<PersonIdentifier> linking = new ArrayList<>();
        boolean throughAlias = false;
        for (Candidate candidate : candidates) {
            GraphLink link = links.get(candidate.identifier());
            if (link == null) {
                links.put(candidate.identifier(), new GraphLink(survivor.id, true, sighting.seenAt(), sighting));
                survivor.counts.merge(candidate.identifier().type(), 1, Integer::sum);
                survivor.changed = true;
            } else {
                link.seen(sighting);
                linking.add(candidate.identifier());
                throughAlias |= candidate.fromAlias();
            }
        }
        for (GraphProfile merged : mergedAway) {
            merged.mergedInto = survivor.id;
            merged.changed = true;
            survivor.mergeCount += merged.mergeCount + 1;
            merged.counts.forEach((type, count) -> survivor.counts.merge(type, count, Integer::sum));
            survivor.changed = true;
        }
        Resolution.Merge merge = mergedAway.isEmpty() ? null : new Resolution.Merge(survivor.id,
                mergedAway.stream().map(p -> p.id).toList(), linking,
                throughAlias ? Resolution.RULE_ALIAS : Resolution.RULE_FLAT_MATCHING);
        return new Resolution(survivor.id, candidates.stream().map(Candidate::identifier).toList(),
                List.copyOf(dropped), merge, matched.isEmpty());
    }

    private GraphProfile create() {
        GraphProfile profile = new GraphProfile(newIds.get(), clock.get(), true, 0, Map.of());
        profiles.put(profile.id, profile);
        return profile;
    }

    /** An identifier of the event in matching order. */
    private record Candidate(PersonIdentifier identifier, int priority, boolean fromAlias) {

        static final Comparator<Candidate> PRIORITY = Comparator.comparingInt(Candidate::priority)
                .thenComparing(Candidate::fromAlias)
                .thenComparing(c -> c.identifier().type())
                .thenComparing(c -> c.identifier().value());
    }
}
