package org.opencdp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.local.PlatformService.ACTIVATION;
import static org.opencdp.local.PlatformService.INGESTION;
import static org.opencdp.local.PlatformService.PROFILE;
import static org.opencdp.local.PlatformService.SEGMENTATION;
import static org.opencdp.testsupport.ApiClient.body;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.testsupport.Workspaces;

/**
 * One fresh workspace on the {@link FaultPlatform}, set up as a marketer would: a source, a computed
 * trait counting {@value LoadGenerator#ORDER} events ({@code orders}), a "plan is pro" segment, and
 * webhook destinations subscribed to the segment and to {@value LoadGenerator#ORDER}; and the checks
 * every fault ends with, comparing the platform's state (read in its database) with the load
 * generator's books. Each check prints what it compared.
 */
final class FaultWorkspace {

    static final String TRAIT = "orders";
    private static final String SCOPES = String.join(" ", Scopes.SOURCES_WRITE, Scopes.PROFILES_READ,
            Scopes.PROFILES_WRITE, Scopes.SEGMENTS_WRITE, Scopes.SEGMENTS_READ, Scopes.DESTINATIONS_WRITE,
            Scopes.DESTINATIONS_READ);

    final String id = Workspaces.fresh();
    final String token;
    final String writeKey;
    final String segmentId;
    private final FaultPlatform platform;

    FaultWorkspace(FaultPlatform platform) {
        this.platform = platform;
        this.token = new TokenIssuer(platform.jwtSecret()).issue(id, SCOPES, "faults", Duration.ofHours(4));
        writeKey = body(platform.api(INGESTION).post("/v1/sources", token, Map.of("name", "Faults")), 201)
                .path("writeKey").asString();
        body(platform.api(PROFILE).post("/v1/computed-traits", token, Map.of("key", TRAIT, "name", "Orders",
                "aggregation", "count", "event", LoadGenerator.ORDER)), 201);
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> "ready".equals(
                body(platform.api(PROFILE).get("/v1/computed-traits/" + TRAIT, token), 200).path("status").asString()));
        segmentId = body(platform.api(SEGMENTATION).post("/v1/segments", token, Map.of("name", "Pro plan",
                "condition", Map.of("trait", "plan", "op", "eq", "value", "pro"))), 201).path("id").asString();
    }

    /** A webhook destination on {@code webhook}, subscribed to the segment and to the order events. */
    String addDestination(String name, Webhook webhook) {
        return body(platform.api(ACTIVATION).post("/v1/destinations", token, Map.of(
                "name", name, "type", "webhook",
                "config", Map.of("url", webhook.url(), "secret", "faults-" + UUID.randomUUID()),
                "requiredPurposes", List.of("marketing"),
                "subscriptions", Map.of("events", List.of(LoadGenerator.ORDER), "segments", List.of(segmentId)))), 201)
                .path("id").asString();
    }

    LoadGenerator load() {
        return LoadGenerator.of(platform.url(INGESTION), writeKey, "f" + id.substring(3, 11));
    }

    /**
     * Waits (at most {@code -Dfaults.settle}, 15 minutes by default) until the platform agrees with the
     * books of {@code load} and every webhook got everything, then prints what was compared. Fails with
     * the last difference otherwise.
     */
    List<String> awaitConsistent(String test, LoadGenerator load, Webhook... webhooks) {
        return awaitConsistent(test, Duration.ZERO, load, webhooks);
    }

    /** As above, allowing {@code backlog} more: the time a destination was down, whose deliveries wait meanwhile. */
    List<String> awaitConsistent(String test, Duration backlog, LoadGenerator load, Webhook... webhooks) {
        Duration settle = Duration.parse(System.getProperty("faults.settle", "PT15M")).plus(backlog);
        long start = System.nanoTime();
        long nextNote = start + Duration.ofMinutes(1).toNanos();
        List<String> report = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        while (true) {
            report.clear();
            findings.clear();
            try {
                check(load, report, findings, webhooks);
                break;
            } catch (AssertionError | SQLException e) {
                if (System.nanoTime() - start > settle.toNanos()) {
                    report.forEach(line -> System.out.println("[" + test + "]   agreed: " + line));
                    throw new AssertionError("[" + test + "] the platform still disagrees with the books after " + settle
                            + ": " + e.getMessage(), e);
                }
                if (System.nanoTime() > nextNote) {
                    nextNote += Duration.ofMinutes(1).toNanos();
                    String message = String.valueOf(e.getMessage());
                    System.out.printf("[%s] not yet consistent after %d s: %s%n", test,
                            (System.nanoTime() - start) / 1_000_000_000, message.substring(0, Math.min(600, message.length())));
                }
                FaultPlatform.sleep(5_000);
            }
        }
        System.out.printf("[%s] consistent %d s after the load stopped:%n", test, (System.nanoTime() - start) / 1_000_000_000);
        report.forEach(line -> System.out.println("[" + test + "]   " + line));
        findings.forEach(line -> System.out.println("[" + test + "]   FINDING: " + line));
        return findings;
    }

    private void check(LoadGenerator load, List<String> report, List<String> findings, Webhook... webhooks)
            throws SQLException {
        Map<String, Long> membershipVersions = new HashMap<>();
        Map<String, String> profileOfUser = new HashMap<>();
        try (Connection db = DriverManager.getConnection(platform.jdbcUrl(), platform.jdbcUser(), "")) {
            // 1. every event sent is stored once, each user's events in one profile
            Set<String> stored = new HashSet<>();
            long rows = 0;
            Map<String, Set<String>> profilesOfUser = new HashMap<>();
            Map<String, Long> eventsOfProfile = new HashMap<>();
            try (PreparedStatement query = db.prepareStatement(
                    "SELECT message_id, profile_id, payload->>'userId' FROM profile.events WHERE workspace_id = ?")) {
                query.setString(1, id);
                query.setFetchSize(5_000);
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        rows++;
                        stored.add(result.getString(1));
                        profilesOfUser.computeIfAbsent(result.getString(3), u -> new TreeSet<>()).add(result.getString(2));
                        eventsOfProfile.merge(result.getString(2), 1L, Long::sum);
                    }
                }
            }
            Set<String> sent = load.sentAtMillis().keySet();
            Set<String> missing = new HashSet<>(sent);
            missing.removeAll(stored);
            Set<String> unknown = new HashSet<>(stored);
            unknown.removeAll(sent);
            assertThat(missing).as("events accepted but not stored (of %d)", sent.size()).isEmpty();
            assertThat(rows).as("event rows (a messageId stored twice?)").isEqualTo(stored.size());
            assertThat(unknown).as("stored events never sent").isEmpty();
            List<String> wrong = new ArrayList<>();
            for (LoadGenerator.UserBook user : load.users()) {
                Set<String> profiles = profilesOfUser.getOrDefault(user.userId, Set.of());
                if (profiles.size() != 1) {
                    wrong.add(user.userId + " in profiles " + profiles);
                    continue;
                }
                String profile = profiles.iterator().next();
                profileOfUser.put(user.userId, profile);
                if (eventsOfProfile.get(profile) != user.events) {
                    wrong.add(user.userId + ": " + eventsOfProfile.get(profile) + " events in " + profile + ", sent " + user.events);
                }
            }
            assertThat(wrong).as("users whose events are not all in exactly one profile of their own").isEmpty();
            report.add(String.format("events: sent and accepted %d (answers %s), stored rows %d, distinct %d, missing 0,"
                    + " doubled 0; %d users, each in exactly one profile holding exactly its %d..%d events",
                    sent.size(), load.statuses(), rows, stored.size(), load.users().size(),
                    load.users().stream().mapToLong(u -> u.events).min().orElse(0),
                    load.users().stream().mapToLong(u -> u.events).max().orElse(0)));

            // 2. the counter computed trait is exact
            Map<String, Long> trait = new HashMap<>();
            try (PreparedStatement query = db.prepareStatement("SELECT profile_id, value::text FROM profile.computed_traits"
                    + " WHERE workspace_id = ? AND trait_key = ?")) {
                query.setString(1, id);
                query.setString(2, TRAIT);
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        trait.put(result.getString(1), (long) Double.parseDouble(result.getString(2)));
                    }
                }
            }
            List<String> wrongTrait = new ArrayList<>();
            long orders = 0;
            for (LoadGenerator.UserBook user : load.users()) {
                orders += user.orders;
                long value = trait.getOrDefault(profileOfUser.get(user.userId), 0L);
                if (value != user.orders) {
                    wrongTrait.add(user.userId + ": " + TRAIT + "=" + value + ", sent " + user.orders);
                }
            }
            assertThat(wrongTrait).as("computed trait %s", TRAIT).isEmpty();
            report.add(String.format("computed trait %s equals the %s events sent for all %d profiles (total %d)",
                    TRAIT, LoadGenerator.ORDER, load.users().size(), orders));

            // 3. memberships follow each user's newest plan
            Set<String> members = new TreeSet<>();
            try (PreparedStatement query = db.prepareStatement("SELECT profile_id, member, version FROM segmentation.memberships"
                    + " WHERE workspace_id = ? AND segment_id = ?")) {
                query.setString(1, id);
                query.setString(2, segmentId);
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        if (result.getBoolean(2)) {
                            members.add(result.getString(1));
                        }
                        membershipVersions.put(result.getString(1), result.getLong(3));
                    }
                }
            }
            Set<String> expectedMembers = expectedMembers(load, profileOfUser);
            assertThat(members).as("members of the pro segment").isEqualTo(expectedMembers);
            report.add(String.format("segment: %d members, exactly the users whose newest identify says plan pro;"
                    + " %d membership changes in all", members.size(),
                    membershipVersions.values().stream().mapToLong(Long::longValue).sum()));
        }

        // 4. every destination got every order event and ends in the right membership state
        Set<String> expectedMembers = expectedMembers(load, profileOfUser);
        for (Webhook webhook : webhooks) {
            List<Webhook.Received> received = webhook.received();
            Set<String> delivered = new HashSet<>();
            Map<String, Boolean> lastState = new HashMap<>();
            Map<String, Long> membershipDeliveriesOf = new HashMap<>();
            long eventDeliveries = 0;
            long membershipDeliveries = 0;
            for (Webhook.Received r : received) {
                switch (r.kind()) {
                    case "event" -> {
                        eventDeliveries++;
                        delivered.add(r.messageId());
                    }
                    case "segment_entered" -> {
                        membershipDeliveries++;
                        membershipDeliveriesOf.merge(r.profileId(), 1L, Long::sum);
                        lastState.put(r.profileId(), true);
                    }
                    case "segment_exited" -> {
                        membershipDeliveries++;
                        membershipDeliveriesOf.merge(r.profileId(), 1L, Long::sum);
                        lastState.put(r.profileId(), false);
                    }
                    default -> { }
                }
            }
            Set<String> undelivered = new HashSet<>(load.orderIds());
            undelivered.removeAll(delivered);
            assertThat(undelivered).as("%s events not delivered to %s", LoadGenerator.ORDER, webhook.url()).isEmpty();
            // every change at least once: each membership version (one per change) gave one delivery or more
            List<String> untold = new ArrayList<>();
            membershipVersions.forEach((profile, version) -> {
                if (membershipDeliveriesOf.getOrDefault(profile, 0L) < version) {
                    untold.add(profile + ": " + version + " changes, " + membershipDeliveriesOf.getOrDefault(profile, 0L)
                            + " deliveries");
                }
            });
            assertThat(untold).as("profiles with fewer membership deliveries to %s than changes", webhook.url()).isEmpty();
            // the state a receiver ends in: the last membership delivery to arrive. A destination gets one profile's
            // deliveries in queued order, so this holds without ordering by the body's version (which would also tell it)
            List<String> wrongState = new ArrayList<>();
            for (String profile : profileOfUser.values()) {
                boolean member = expectedMembers.contains(profile);
                if (lastState.getOrDefault(profile, false) != member) {
                    wrongState.add(profile + " (" + membershipVersions.get(profile) + " changes): last delivery to arrive says "
                            + (!lastState.containsKey(profile) ? "nothing" : lastState.get(profile) ? "entered" : "exited")
                            + ", member " + member);
                }
            }
            if (!wrongState.isEmpty()) {
                findings.add(String.format("destination %s: %d of %d profiles end in the wrong membership state, as their"
                        + " last membership delivery to arrive was not their last change (e.g. %s)", webhook.url(),
                        wrongState.size(), profileOfUser.size(), wrongState.subList(0, Math.min(3, wrongState.size()))));
            }
            report.add(String.format("destination %s: all %d %s events delivered (%d deliveries, %d repeated),"
                    + " %d membership deliveries, at least one per membership change of each profile",
                    webhook.url(), load.orderIds().size(), LoadGenerator.ORDER, eventDeliveries,
                    eventDeliveries - delivered.size(), membershipDeliveries));
        }
    }

    private static Set<String> expectedMembers(LoadGenerator load, Map<String, String> profileOfUser) {
        Set<String> expected = new TreeSet<>();
        for (LoadGenerator.UserBook user : load.users()) {
            if ("pro".equals(user.plan)) {
                expected.add(profileOfUser.get(user.userId));
            }
        }
        return expected;
    }
}
