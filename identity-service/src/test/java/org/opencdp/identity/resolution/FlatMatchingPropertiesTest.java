package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.rules.WorkspaceRules;

/** The in-memory matching on its own: the grouping of identifiers does not depend on the order of events. */
class FlatMatchingPropertiesTest {

    private static final IdentityProperties PROPERTIES = new IdentityProperties(512, 50, 100, Duration.ofSeconds(5),
            2000, 1000, 800_000, Duration.ofMinutes(1));
    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");

    @Property(tries = 300)
    void shouldGroupIdentifiersLikeTheirConnectedComponentsInEveryOrder(
            @ForAll("eventSets") List<List<PersonIdentifier>> events, @ForAll Random random) {
        var expected = RandomPeople.components(events);

        for (int order = 0; order < 3; order++) {
            WorkspaceGraph graph = newGraph();
            for (List<PersonIdentifier> event : RandomPeople.shuffled(events, random)) {
                Resolution resolution = graph.resolve(ResolutionInput.of(RandomPeople.event("ws", event, AT),
                        WorkspaceRules.defaults(), PROPERTIES));
                assertThat(resolution.dropped()).as("no rule is hit").isEmpty();
                assertThat(resolution.linked()).containsExactlyInAnyOrderElementsOf(event);
            }
            Map<PersonIdentifier, String> links = new HashMap<>();
            graph.links().forEach((identifier, link) -> links.put(identifier, graph.canonical(link.profileId)));
            assertThat(RandomPeople.grouping(links)).isEqualTo(expected);
            long alive = graph.profiles().values().stream().filter(p -> p.mergedInto == null).count();
            assertThat(alive).isEqualTo(expected.size());
        }
    }

    @Provide
    Arbitrary<List<List<PersonIdentifier>>> eventSets() {
        return RandomPeople.eventSets(40);
    }

    private static WorkspaceGraph newGraph() {
        AtomicInteger ids = new AtomicInteger();
        AtomicInteger ticks = new AtomicInteger();
        return new WorkspaceGraph("ws", () -> "p" + ids.incrementAndGet(), () -> AT.plusMillis(ticks.incrementAndGet()));
    }
}
