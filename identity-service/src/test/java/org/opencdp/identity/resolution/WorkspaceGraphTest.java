package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.TestEvents;
import org.opencdp.identity.graph.DroppedIdentifier;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.rules.Caps;
import org.opencdp.identity.rules.IdentifierRule;
import org.opencdp.identity.rules.IdentityRules;
import org.opencdp.identity.rules.WorkspaceRules;

class WorkspaceGraphTest {

    private static final IdentityProperties PROPERTIES = new IdentityProperties(512, 50, 100, Duration.ofSeconds(5),
            2000, 1000, 800_000, Duration.ofMinutes(1));
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger ticks = new AtomicInteger();
    private final WorkspaceGraph graph = new WorkspaceGraph("ws", () -> "p" + ids.incrementAndGet(),
            () -> T0.plusSeconds(ticks.incrementAndGet()));
    private WorkspaceRules rules = WorkspaceRules.defaults();

    @Test
    void shouldCreateOneProfileHoldingEveryIdentifierWhenNoneIsKnown() {
        Resolution resolution = resolve(traits("u1", "a1", "{\"email\": \"Jane@Example.com\"}"));

        assertThat(resolution.profileId()).isEqualTo("p1");
        assertThat(resolution.merge()).isNull();
        assertThat(resolution.created()).isTrue();
        assertThat(profileOf("user_id", "u1")).isEqualTo("p1");
        assertThat(profileOf("email", "jane@example.com")).isEqualTo("p1");
        assertThat(graph.profiles().get("p1").counts).containsEntry("user_id", 1).containsEntry("email", 1)
                .containsEntry("anonymous_id", 1);
    }

    @Test
    void shouldJoinTheOnlyMatchingProfileAndAttachTheNewIdentifiers() {
        resolve(track(null, "a1"));

        Resolution resolution = resolve(track("u1", "a1"));

        assertThat(resolution.profileId()).isEqualTo("p1");
        assertThat(resolution.merge()).isNull();
        assertThat(resolution.created()).isFalse();
        assertThat(resolve(track("u1", "a1")).created()).as("an event that changes nothing").isFalse();
        assertThat(profileOf("user_id", "u1")).isEqualTo("p1");
        assertThat(graph.profiles()).hasSize(1);
    }

    @Test
    void shouldMergeIntoTheOldestProfileWhenTheIdentifiersMatchSeveral() {
        resolve(track(null, "a1"));
        resolve(traits(null, "a2", "{\"email\": \"e@x.io\"}"));
        resolve(track(null, "a3"));

        Resolution resolution = resolve(traits(null, "a3", "{\"email\": \"e@x.io\"}"));
        Resolution second = resolve(traits(null, "a1", "{\"email\": \"e@x.io\"}"));

        assertThat(resolution.profileId()).isEqualTo("p2");
        assertThat(resolution.merge().survivorId()).isEqualTo("p2");
        assertThat(resolution.merge().mergedIds()).containsExactly("p3");
        assertThat(resolution.merge().identifiers()).containsExactly(id("email", "e@x.io"), id("anonymous_id", "a3"));
        assertThat(resolution.merge().rule()).isEqualTo("flat_matching");
        assertThat(resolution.created()).isFalse();
        assertThat(second.merge().survivorId()).isEqualTo("p1");
        assertThat(second.merge().mergedIds()).containsExactly("p2");
        assertThat(graph.canonical("p3")).isEqualTo("p1");
        assertThat(profileOf("anonymous_id", "a3")).isEqualTo("p1");
        assertThat(graph.profiles().get("p1").mergeCount).isEqualTo(2);
        assertThat(graph.profiles().get("p1").counts).containsEntry("anonymous_id", 3).containsEntry("email", 1);
    }

    @Test
    void shouldNeverMergeProfilesWithDifferentUserIds() {
        resolve(track("u1", "a1"));
        resolve(track("u2", "a2"));

        Resolution resolution = resolve(context(null, "a1", "{\"device\": {\"id\": \"d1\"}}"));
        Resolution bridging = resolve(context(null, "a2", "{\"device\": {\"id\": \"d1\"}}"));

        assertThat(resolution.profileId()).isEqualTo("p1");
        assertThat(bridging.merge()).isNull();
        assertThat(bridging.profileId()).isEqualTo("p1");
        assertThat(profileOf("anonymous_id", "a2")).isEqualTo("p2");
        assertThat(bridging.dropped()).containsExactly(new DroppedIdentifier(id("anonymous_id", "a2"),
                "profiles with different user_ids are never merged"));
        assertThat(profileOf("device_id", "d1")).isEqualTo("p1");
    }

    @Test
    void shouldDropTheLowestPriorityIdentifierWhenASecondUserIdWouldJoinAProfile() {
        resolve(track("u1", "a1"));

        Resolution resolution = resolve(track("u2", "a1"));

        assertThat(resolution.profileId()).isEqualTo("p2");
        assertThat(resolution.dropped()).containsExactly(new DroppedIdentifier(id("anonymous_id", "a1"),
                "a profile holds at most 1 user_id"));
        assertThat(profileOf("anonymous_id", "a1")).isEqualTo("p1");
        assertThat(profileOf("user_id", "u2")).isEqualTo("p2");
    }

    @Test
    void shouldDropIdentifiersInPriorityOrderUntilTheEmailLimitHolds() {
        rules = withIdentifier("email", new IdentifierRule(1, 2));
        resolve(traits(null, "a1", "{\"email\": \"one@x.io\"}"));

        Resolution resolution = resolve(traits(null, "a1", "{\"email\": \"two@x.io\"}"));

        assertThat(resolution.profileId()).isEqualTo("p2");
        assertThat(resolution.dropped()).extracting(DroppedIdentifier::identifier)
                .containsExactly(id("anonymous_id", "a1"));
        assertThat(profileOf("email", "two@x.io")).isEqualTo("p2");
        assertThat(profileOf("anonymous_id", "a1")).isEqualTo("p1");
    }

    @Test
    void shouldHonourTheRulesPriorityOverTheDefaultOne() {
        rules = withIdentifier("anonymous_id", new IdentifierRule(null, 1));
        resolve(track("u1", "a1"));

        Resolution resolution = resolve(track("u2", "a1"));

        // the anonymous id now ties with the user id and comes first by type name: the user id is dropped
        assertThat(resolution.profileId()).isEqualTo("p1");
        assertThat(resolution.dropped()).extracting(DroppedIdentifier::identifier)
                .containsExactly(id("user_id", "u2"));
        assertThat(graph.links()).doesNotContainKey(id("user_id", "u2"));
    }

    @Test
    void shouldStopMergingAtTheMergeCap() {
        rules = WorkspaceRules.of(new IdentityRules(IdentityRules.defaultIdentifiers(), null, List.of(), List.of(),
                List.of(), new Caps(1, 1000)), 2);
        resolve(track(null, "a1"));
        resolve(context(null, "a2", "{\"device\": {\"id\": \"d1\"}}"));
        resolve(context(null, "a3", "{\"device\": {\"id\": \"d2\"}}"));
        assertThat(resolve(context(null, "a1", "{\"device\": {\"id\": \"d1\"}}")).merge()).isNotNull();

        Resolution capped = resolve(context(null, "a1", "{\"device\": {\"id\": \"d2\"}}"));

        assertThat(capped.merge()).isNull();
        assertThat(capped.profileId()).isEqualTo("p3");
        assertThat(capped.dropped()).containsExactly(new DroppedIdentifier(id("anonymous_id", "a1"),
                "a profile absorbs at most 1 merges"));
        assertThat(profileOf("device_id", "d2")).isEqualTo("p3");
        assertThat(profileOf("anonymous_id", "a1")).isEqualTo("p1");
    }

    @Test
    void shouldStopAttachingAtTheIdentifierCap() {
        rules = WorkspaceRules.of(new IdentityRules(IdentityRules.defaultIdentifiers(), null, List.of(), List.of(),
                List.of(), new Caps(100, 2)), 2);
        resolve(track("u1", "a1"));

        Resolution resolution = resolve(track("u1", "a2"));

        assertThat(resolution.profileId()).isEqualTo("p1");
        assertThat(resolution.dropped()).containsExactly(new DroppedIdentifier(id("anonymous_id", "a2"),
                "a profile holds at most 2 identifiers"));
    }

    @Test
    void shouldKeepResolvingAProfileAlreadyAboveALoweredLimit() {
        graph.addProfile("old", T0, 0, Map.of("email", 3, "anonymous_id", 1));
        graph.addLink(id("anonymous_id", "a-old"), "old", T0);
        rules = withIdentifier("email", new IdentifierRule(1, 2));

        Resolution resolution = resolve(context(null, "a-old", "{\"device\": {\"id\": \"d9\"}}"));

        assertThat(resolution.profileId()).isEqualTo("old");
        assertThat(resolution.dropped()).isEmpty();
        assertThat(profileOf("device_id", "d9")).isEqualTo("old");
    }

    @Test
    void shouldLinkAnAliasToTheProfileOfItsPreviousAnonymousId() {
        resolve(track(null, "anon-1"));

        Resolution resolution = resolve(TestEvents.alias("ws", "u1", "anon-1"));

        assertThat(resolution.profileId()).isEqualTo("p1");
        assertThat(profileOf("user_id", "u1")).isEqualTo("p1");
    }

    @Test
    void shouldMergeTheProfilesOfAnAliasAndNameTheAliasRule() {
        resolve(track(null, "anon-1"));
        resolve(track("u1", null));

        Resolution resolution = resolve(TestEvents.alias("ws", "u1", "anon-1"));

        assertThat(resolution.merge().survivorId()).isEqualTo("p1");
        assertThat(resolution.merge().mergedIds()).containsExactly("p2");
        assertThat(resolution.merge().rule()).isEqualTo("alias");
        assertThat(profileOf("user_id", "u1")).isEqualTo("p1");
    }

    @Test
    void shouldAttachAnUnknownPreviousIdAsAnAnonymousId() {
        Resolution resolution = resolve(TestEvents.alias("ws", "u1", "never-seen"));

        assertThat(profileOf("anonymous_id", "never-seen")).isEqualTo(resolution.profileId());
        assertThat(graph.links()).doesNotContainKey(id("user_id", "never-seen"));
    }

    @Test
    void shouldNotMergeAnAliasBetweenTwoUserIds() {
        resolve(track("u-old", null));
        resolve(track("u-new", null));

        Resolution resolution = resolve(TestEvents.alias("ws", "u-new", "u-old"));

        assertThat(resolution.merge()).isNull();
        assertThat(resolution.profileId()).isEqualTo("p2");
        assertThat(resolution.dropped()).extracting(DroppedIdentifier::identifier)
                .containsExactly(id("user_id", "u-old"));
    }

    @Test
    void shouldKeepTheEarliestSightingOfAnIdentifier() {
        EventAccepted late = TestEvents.track("ws", "u1", null, T0.plusSeconds(60));
        EventAccepted early = TestEvents.track("ws", "u1", null, T0);
        resolve(late);

        resolve(early);

        GraphLink link = graph.links().get(id("user_id", "u1"));
        assertThat(link.firstSeenAt).isEqualTo(T0);
        assertThat(link.firstSighting.eventId()).isEqualTo(early.event().messageId());
    }

    @Test
    void shouldResolveAnEventThatChangesNothingWithoutReadingItsProfile() {
        WorkspaceGraph loaded = new WorkspaceGraph("ws", () -> "new", () -> T0);
        loaded.addLink(id("user_id", "u1"), "stored", T0);
        loaded.addLink(id("anonymous_id", "a1"), "stored", T0);
        ResolutionInput known = ResolutionInput.of(TestEvents.track("ws", "u1", "a1", T0.plusSeconds(5)), rules,
                PROPERTIES);

        assertThat(loaded.changesNothing(known)).isTrue();
        Resolution resolution = loaded.resolve(known);

        assertThat(resolution.profileId()).isEqualTo("stored");
        assertThat(resolution.merge()).isNull();
        assertThat(loaded.profiles()).as("the profile was neither read nor created").isEmpty();
        assertThat(loaded.links().values()).allSatisfy(link -> assertThat(link.firstSighting).isNull());
    }

    @Test
    void shouldNeedTheProfilesOfAnEventThatAddsMergesOrRedatesIdentifiers() {
        WorkspaceGraph loaded = new WorkspaceGraph("ws", () -> "new", () -> T0);
        loaded.addLink(id("user_id", "u1"), "p1", T0);
        loaded.addLink(id("anonymous_id", "a1"), "p1", T0);
        loaded.addLink(id("anonymous_id", "a2"), "p2", T0);

        assertThat(loaded.changesNothing(ResolutionInput.of(track("u1", "a9"), rules, PROPERTIES)))
                .as("adds an identifier").isFalse();
        assertThat(loaded.changesNothing(ResolutionInput.of(track("u1", "a2"), rules, PROPERTIES)))
                .as("merges two profiles").isFalse();
        assertThat(loaded.changesNothing(ResolutionInput.of(TestEvents.track("ws", "u1", "a1", T0.minusSeconds(1)),
                rules, PROPERTIES))).as("seen before the stored first sighting").isFalse();
        assertThatThrownBy(() -> loaded.resolve(ResolutionInput.of(track("u1", "a9"), rules, PROPERTIES)))
                .as("a change to a profile that was not locked").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldPublishTheIdentifiersTheEventResolvedWithSortedByTypeThenValue() {
        Resolution resolution = resolve(traits("u1", "a1", "{\"email\": \"Jane@Example.com\"}"));

        assertThat(IdentityResolutionService.resolvedIdentifiers(resolution)).containsExactly(
                new Identifier("anonymous_id", "a1"), new Identifier("email", "jane@example.com"),
                new Identifier("user_id", "u1"));
    }

    @Test
    void shouldLeaveAnIdentifierDroppedToRespectALimitOutOfTheResolvedIdentifiers() {
        resolve(track("u1", "a1"));

        Resolution resolution = resolve(track("u2", "a1"));

        assertThat(resolution.dropped()).extracting(DroppedIdentifier::identifier)
                .containsExactly(id("anonymous_id", "a1"));
        assertThat(IdentityResolutionService.resolvedIdentifiers(resolution)).as("a1 stays the first profile's")
                .containsExactly(new Identifier("user_id", "u2"));
    }

    @Test
    void shouldCountAnAliasPreviousIdAmongTheResolvedIdentifiersAsItWasLinked() {
        resolve(track(null, "anon-old"));

        Resolution resolution = resolve(TestEvents.alias("ws", "u-new", "anon-old"));

        assertThat(IdentityResolutionService.resolvedIdentifiers(resolution)).containsExactly(
                new Identifier("anonymous_id", "anon-old"), new Identifier("user_id", "u-new"));
    }

    private Resolution resolve(EventAccepted message) {
        return graph.resolve(ResolutionInput.of(message, rules, PROPERTIES));
    }

    private String profileOf(String type, String value) {
        GraphLink link = graph.links().get(id(type, value));
        return link == null ? null : graph.canonical(link.profileId);
    }

    private static WorkspaceRules withIdentifier(String type, IdentifierRule rule) {
        Map<String, IdentifierRule> identifiers = new java.util.HashMap<>(IdentityRules.defaultIdentifiers());
        identifiers.put(type, rule);
        return WorkspaceRules.of(new IdentityRules(identifiers, null, List.of(), List.of(), List.of(), Caps.DEFAULT),
                1);
    }

    private static EventAccepted track(String userId, String anonymousId) {
        return TestEvents.track("ws", userId, anonymousId, T0);
    }

    private static EventAccepted traits(String userId, String anonymousId, String traits) {
        return TestEvents.event("ws", SegmentEvent.EventType.identify, userId, anonymousId, null,
                TestEvents.json(traits), null, T0);
    }

    private static EventAccepted context(String userId, String anonymousId, String context) {
        return TestEvents.event("ws", SegmentEvent.EventType.track, userId, anonymousId, null, null,
                TestEvents.json(context), T0);
    }

    private static PersonIdentifier id(String type, String value) {
        return new PersonIdentifier(type, value);
    }
}
