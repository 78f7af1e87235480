package org.opencdp.identity.resolution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.identity.TestEvents;
import org.opencdp.identity.graph.PersonIdentifier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random event sets that hit no identity rule: a few people, each with at most one user id, three
 * emails, four anonymous ids and two devices; every event carries one to three identifiers of one
 * person. Under the default rules no limit or cap can be reached, so flat matching must group the
 * identifiers exactly like the connected components of "carried by one event".
 */
final class RandomPeople {

    static final int PEOPLE = 6;

    /** Events, each the identifiers it carries. */
    static Arbitrary<List<List<PersonIdentifier>>> eventSets(int maxEvents) {
        Arbitrary<List<PersonIdentifier>> event = Combinators.combine(
                        Arbitraries.integers().between(0, PEOPLE - 1),
                        Arbitraries.integers().between(0, 9).set().ofMinSize(1).ofMaxSize(3))
                .as((person, picks) -> picks.stream().sorted().map(pick -> identifierOf(person, pick)).toList());
        return event.list().ofMinSize(1).ofMaxSize(maxEvents);
    }

    /** The identifier {@code pick} (0–9) of {@code person}; person 2 and 5 never log in (no user id). */
    private static PersonIdentifier identifierOf(int person, int pick) {
        if (pick == 0) {
            return person % 3 == 2
                    ? new PersonIdentifier("anonymous_id", "a" + person + "-extra")
                    : new PersonIdentifier("user_id", "u" + person);
        }
        if (pick <= 3) {
            return new PersonIdentifier("email", "e" + person + "-" + pick + "@example.com");
        }
        if (pick <= 7) {
            return new PersonIdentifier("anonymous_id", "a" + person + "-" + pick);
        }
        return new PersonIdentifier("device_id", "d" + person + "-" + pick);
    }

    /**
     * An accepted event carrying exactly {@code identifiers}: the user id as {@code userId}, the
     * first anonymous id as {@code anonymousId} (a blocked placeholder when there is neither), the
     * rest as {@code context.externalIds}.
     */
    static EventAccepted event(String workspaceId, List<PersonIdentifier> identifiers, Instant at) {
        String userId = null;
        String anonymousId = null;
        ArrayNode externalIds = JsonNodeFactory.instance.arrayNode();
        for (PersonIdentifier identifier : identifiers) {
            if (identifier.type().equals("user_id") && userId == null) {
                userId = identifier.value();
            } else if (identifier.type().equals("anonymous_id") && anonymousId == null) {
                anonymousId = identifier.value();
            } else {
                externalIds.addObject().put("id", identifier.value()).put("type", identifier.type())
                        .put("collection", "users").put("encoding", "none");
            }
        }
        if (userId == null && anonymousId == null) {
            anonymousId = "anonymous";
        }
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.set("externalIds", externalIds);
        return TestEvents.event(workspaceId, SegmentEvent.EventType.track, userId, anonymousId, null, null, context,
                at);
    }

    /** The expected grouping: identifiers carried by one event, and transitively, are one profile. */
    static Set<Set<PersonIdentifier>> components(Collection<List<PersonIdentifier>> events) {
        Map<PersonIdentifier, PersonIdentifier> parent = new HashMap<>();
        for (List<PersonIdentifier> event : events) {
            for (PersonIdentifier identifier : event) {
                parent.putIfAbsent(identifier, identifier);
                union(parent, event.getFirst(), identifier);
            }
        }
        Map<PersonIdentifier, Set<PersonIdentifier>> groups = new HashMap<>();
        parent.keySet().forEach(identifier ->
                groups.computeIfAbsent(find(parent, identifier), root -> new HashSet<>()).add(identifier));
        return new HashSet<>(groups.values());
    }

    /** The grouping of {@code links} (identifier → profile). */
    static Set<Set<PersonIdentifier>> grouping(Map<PersonIdentifier, String> links) {
        Map<String, Set<PersonIdentifier>> groups = new HashMap<>();
        links.forEach((identifier, profile) -> groups.computeIfAbsent(profile, p -> new HashSet<>()).add(identifier));
        return new HashSet<>(groups.values());
    }

    static <T> List<T> shuffled(List<T> items, java.util.Random random) {
        List<T> copy = new ArrayList<>(items);
        java.util.Collections.shuffle(copy, random);
        return copy;
    }

    private static PersonIdentifier find(Map<PersonIdentifier, PersonIdentifier> parent, PersonIdentifier x) {
        PersonIdentifier root = x;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        return root;
    }

    private static void union(Map<PersonIdentifier, PersonIdentifier> parent, PersonIdentifier a, PersonIdentifier b) {
        parent.put(find(parent, a), find(parent, b));
    }

    private RandomPeople() {
    }
}
