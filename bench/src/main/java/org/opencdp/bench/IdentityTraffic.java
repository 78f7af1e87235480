package org.opencdp.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The accepted events of the identity benchmark, drawn against the people {@link #preloadSql}
 * stores: profile {@code i} of {@code profiles} is a known user ({@code user_id user-i},
 * {@code anonymous_id anon-i}, {@code email user-i@example.com}) unless {@code i % 4 == 3}, then it
 * is an anonymous visitor ({@code anonymous_id anon-i}, {@code email anon-i@example.com}).
 *
 * <ul>
 *   <li>known: a track of a random known user by user id and anonymous id (every fifth an identify
 *       carrying the user's email): joins one profile, changes nothing;
 *   <li>new: a track of a never-seen anonymous id, half of them with a never-seen user id: a new profile;
 *   <li>merging: a track of the user id of a random known user and the anonymous id of an anonymous
 *       visitor, neither used by a merge before: the two profiles merge. A user merged more than once
 *       would collect the emails of its visitors and eventually hit the email limit, so none is.
 * </ul>
 */
final class IdentityTraffic {

    /** What an event does to the graph. */
    enum Kind { KNOWN, NEW, MERGING }

    /** Percentages of known, new and merging events; they add up to 100. */
    record Mix(int known, int fresh, int merging) {

        Mix {
            if (known < 0 || fresh < 0 || merging < 0 || known + fresh + merging != 100) {
                throw new IllegalArgumentException("The mix must be three percentages adding up to 100, got "
                        + known + "/" + fresh + "/" + merging);
            }
        }

        /** {@code 60/30/10}: known/new/merging. */
        static Mix parse(String text) {
            String[] parts = text.split("/");
            if (parts.length != 3) {
                throw new IllegalArgumentException("Expected known/new/merging percentages like 60/30/10, got " + text);
            }
            return new Mix(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        }
    }

    /** An event and what it does. */
    record Draw(Kind kind, EventAccepted event) {
    }

    static final String WORKSPACE = "bench";

    private final long profiles;
    private final Mix mix;
    private final SplittableRandom random;
    private final String runId;
    private long nextVisitor = 3;
    private final Set<Long> mergedUsers = new HashSet<>();
    private long newPeople;

    /** Traffic against {@link #profilesFor(long) profilesFor(identifiers)} preloaded profiles. */
    IdentityTraffic(long profiles, Mix mix, long seed) {
        if (profiles < 8) {
            throw new IllegalArgumentException("At least 8 preloaded profiles are needed, got " + profiles);
        }
        this.profiles = profiles;
        this.mix = mix;
        this.random = new SplittableRandom(seed);
        this.runId = Long.toString(seed, 36);
    }

    /** How many profiles hold {@code identifiers} identifiers: three per user, two per visitor (one in four). */
    static long profilesFor(long identifiers) {
        return Math.max(8, Math.round(identifiers / 2.75));
    }

    /** How many identifiers {@code profiles} preloaded profiles hold. */
    static long identifiersOf(long profiles) {
        return profiles * 3 - visitorsOf(profiles);
    }

    /** How many of {@code profiles} are anonymous visitors (those with {@code i % 4 == 3}). */
    static long visitorsOf(long profiles) {
        return profiles / 4;
    }

    static boolean isVisitor(long i) {
        return i % 4 == 3;
    }

    /** How many merging events {@code events} events of {@code mix} can carry at most. */
    static long mergesNeeded(long events, Mix mix) {
        return events * mix.merging() / 100 + 1;
    }

    Draw next() {
        int roll = random.nextInt(100);
        if (roll < mix.known()) {
            long user = randomUser();
            if (random.nextInt(5) == 0) {
                ObjectNode traits = JsonNodeFactory.instance.objectNode().put("email", "user-" + user + "@example.com");
                return new Draw(Kind.KNOWN, event(SegmentEvent.EventType.identify, "user-" + user, "anon-" + user, traits));
            }
            return new Draw(Kind.KNOWN, event(SegmentEvent.EventType.track, "user-" + user, "anon-" + user, null));
        }
        if (roll < mix.known() + mix.fresh() || nextVisitor >= profiles) {
            long n = newPeople++;
            String userId = n % 2 == 0 ? "new-user-" + runId + "-" + n : null;
            return new Draw(Kind.NEW, event(SegmentEvent.EventType.track, userId, "new-anon-" + runId + "-" + n, null));
        }
        long visitor = nextVisitor;
        nextVisitor += 4;
        long user;
        do {
            user = randomUser();
        } while (!mergedUsers.add(user));
        return new Draw(Kind.MERGING, event(SegmentEvent.EventType.track, "user-" + user, "anon-" + visitor, null));
    }

    private long randomUser() {
        long i;
        do {
            i = random.nextLong(profiles);
        } while (isVisitor(i));
        return i;
    }

    private static EventAccepted event(SegmentEvent.EventType type, String userId, String anonymousId,
                                       ObjectNode traits) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ObjectNode context = JsonNodeFactory.instance.objectNode().put("ip", "203.0.113.7")
                .put("userAgent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0");
        ObjectNode properties = type == SegmentEvent.EventType.track
                ? JsonNodeFactory.instance.objectNode().put("product_id", "sku-42").put("price", 19.99) : null;
        SegmentEvent event = new SegmentEvent(type, "bench-" + UUID.randomUUID(), userId, anonymousId,
                type == SegmentEvent.EventType.track ? "Product Viewed" : null, null, null, null, null,
                now, now, now, now, context, properties, traits, null);
        return new EventAccepted(UUID.randomUUID(), WORKSPACE, "src-bench", now, now, event);
    }

    /**
     * The statements that store {@code profiles} people as identity-service would have: profiles with
     * their identifier counts, and their identities (user_id, anonymous_id, email) pointing at them.
     */
    static String[] preloadSql(long profiles) {
        String profileId = "md5('bench-profile-' || i)::uuid::text";
        return new String[] {
            """
            INSERT INTO profiles (workspace_id, id, created_at, merge_count, identifier_counts)
            SELECT '%s', %s, now() - make_interval(secs => %d - i), 0,
                   CASE WHEN i %% 4 = 3 THEN '{"anonymous_id": 1, "email": 1}'::jsonb
                        ELSE '{"user_id": 1, "anonymous_id": 1, "email": 1}'::jsonb END
            FROM generate_series(0, %d) AS i""".formatted(WORKSPACE, profileId, profiles, profiles - 1),
            """
            INSERT INTO identities (workspace_id, type, value, profile_id, first_seen_at, first_event_id, first_source_id)
            SELECT '%s', 'anonymous_id', 'anon-' || i, %s, now() - make_interval(secs => %d - i),
                   md5('bench-event-' || i)::uuid::text, 'src-bench'
            FROM generate_series(0, %d) AS i""".formatted(WORKSPACE, profileId, profiles, profiles - 1),
            """
            INSERT INTO identities (workspace_id, type, value, profile_id, first_seen_at, first_event_id, first_source_id)
            SELECT '%s', 'user_id', 'user-' || i, %s, now() - make_interval(secs => %d - i),
                   md5('bench-event-' || i)::uuid::text, 'src-bench'
            FROM generate_series(0, %d) AS i WHERE i %% 4 <> 3""".formatted(WORKSPACE, profileId, profiles, profiles - 1),
            """
            INSERT INTO identities (workspace_id, type, value, profile_id, first_seen_at, first_event_id, first_source_id)
            SELECT '%s', 'email', CASE WHEN i %% 4 = 3 THEN 'anon-' ELSE 'user-' END || i || '@example.com', %s,
                   now() - make_interval(secs => %d - i), md5('bench-event-' || i)::uuid::text, 'src-bench'
            FROM generate_series(0, %d) AS i""".formatted(WORKSPACE, profileId, profiles, profiles - 1),
            "VACUUM (ANALYZE) profiles",
            "VACUUM (ANALYZE) identities"
        };
    }
}
