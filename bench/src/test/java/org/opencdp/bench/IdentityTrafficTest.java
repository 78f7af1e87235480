package org.opencdp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityTrafficTest {

    private static final long PROFILES = IdentityTraffic.profilesFor(1_000_000);

    @Test
    void shouldDrawTheConfiguredMixOfKnownNewAndMergingEvents() {
        var traffic = new IdentityTraffic(PROFILES, IdentityTraffic.Mix.parse("60/30/10"), 42);
        Map<IdentityTraffic.Kind, Integer> kinds = new EnumMap<>(IdentityTraffic.Kind.class);
        int events = 20_000;
        for (int i = 0; i < events; i++) {
            kinds.merge(traffic.next().kind(), 1, Integer::sum);
        }
        assertThat(kinds.get(IdentityTraffic.Kind.KNOWN) / (double) events).isCloseTo(0.60, within(0.02));
        assertThat(kinds.get(IdentityTraffic.Kind.NEW) / (double) events).isCloseTo(0.30, within(0.02));
        assertThat(kinds.get(IdentityTraffic.Kind.MERGING) / (double) events).isCloseTo(0.10, within(0.02));
    }

    @Test
    void shouldPreloadAboutAsManyIdentifiersAsAskedFor() {
        assertThat(IdentityTraffic.identifiersOf(PROFILES)).isCloseTo(1_000_000L, within(5L));
    }

    @Test
    void shouldUseKnownUsersForKnownEventsAndNeverSeenIdsForNewPeople() {
        var traffic = new IdentityTraffic(PROFILES, new IdentityTraffic.Mix(50, 50, 0), 7);
        Set<String> newIds = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            IdentityTraffic.Draw draw = traffic.next();
            var event = draw.event().event();
            if (draw.kind() == IdentityTraffic.Kind.KNOWN) {
                long user = Long.parseLong(event.userId().substring("user-".length()));
                assertThat(user).isBetween(0L, PROFILES - 1);
                assertThat(IdentityTraffic.isVisitor(user)).isFalse();
                assertThat(event.anonymousId()).isEqualTo("anon-" + user);
            } else {
                assertThat(draw.kind()).isEqualTo(IdentityTraffic.Kind.NEW);
                assertThat(event.anonymousId()).startsWith("new-anon-");
                assertThat(newIds.add(event.anonymousId())).isTrue();
                if (event.userId() != null) {
                    assertThat(event.userId()).startsWith("new-user-");
                }
            }
        }
    }

    @Test
    void shouldLinkAKnownUserWithAVisitorNeitherMergedBeforeInEveryMergingEvent() {
        var traffic = new IdentityTraffic(PROFILES, new IdentityTraffic.Mix(0, 0, 100), 3);
        Set<String> visitors = new HashSet<>();
        Set<String> users = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            IdentityTraffic.Draw draw = traffic.next();
            assertThat(draw.kind()).isEqualTo(IdentityTraffic.Kind.MERGING);
            var event = draw.event().event();
            long user = Long.parseLong(event.userId().substring("user-".length()));
            long visitor = Long.parseLong(event.anonymousId().substring("anon-".length()));
            assertThat(IdentityTraffic.isVisitor(user)).isFalse();
            assertThat(IdentityTraffic.isVisitor(visitor)).isTrue();
            assertThat(visitor).isLessThan(PROFILES);
            assertThat(visitors.add(event.anonymousId())).isTrue();
            assertThat(users.add(event.userId())).as("a user merged twice can hit the email limit").isTrue();
        }
    }

    @Test
    void shouldFallBackToNewPeopleWhenNoVisitorIsLeftToMerge() {
        var traffic = new IdentityTraffic(8, new IdentityTraffic.Mix(0, 0, 100), 1);
        assertThat(traffic.next().kind()).isEqualTo(IdentityTraffic.Kind.MERGING);
        assertThat(traffic.next().kind()).isEqualTo(IdentityTraffic.Kind.MERGING);
        assertThat(traffic.next().kind()).isEqualTo(IdentityTraffic.Kind.NEW);
    }

    @Test
    void shouldRejectAMixThatDoesNotAddUpToOneHundred() {
        assertThatThrownBy(() -> IdentityTraffic.Mix.parse("60/30/20")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdentityTraffic.Mix.parse("60/40")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPreloadEveryIdentifierTypeTheTrafficUses() {
        String sql = String.join("\n", IdentityTraffic.preloadSql(PROFILES));
        assertThat(sql).contains("'user_id'", "'anonymous_id'", "'email'", "generate_series(0, " + (PROFILES - 1) + ")");
    }
}
