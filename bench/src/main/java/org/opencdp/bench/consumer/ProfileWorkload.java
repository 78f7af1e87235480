package org.opencdp.bench.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.ProfileServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * profile-service applying resolved events over {@code profiles} preloaded people (1,000,000 by
 * default): each with a user_id and an email identifier, three traits and two stored events. The
 * traffic: 90% events of known people, 10% of new ones; 30% page views, 45% product views, 10%
 * orders, 15% identifies that set {@code plan} and {@code country}.
 */
final class ProfileWorkload implements ConsumerWorkload {

    private final long profiles;
    private final SplittableRandom random = new SplittableRandom(17);

    ProfileWorkload(long profiles) {
        this.profiles = profiles;
    }

    @Override
    public String name() {
        return "profile";
    }

    @Override
    public SpringApplicationBuilder application() {
        return ProfileServiceApplication.application();
    }

    @Override
    public String group() {
        return "cdp-profile";
    }

    @Override
    public List<String> topics() {
        return List.of(Topics.RESOLVED_EVENTS);
    }

    @Override
    public void preload(Connection connection) throws SQLException {
        preloadProfiles(connection, profiles);
    }

    /** Profiles, identifiers, traits and events of people 1..{@code profiles}, then {@code VACUUM ANALYZE}. */
    static void preloadProfiles(Connection connection, long profiles) throws SQLException {
        String series = " FROM generate_series(1, " + profiles + ") AS i";
        String id = BenchData.PROFILE_ID_SQL;
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO profile");
            statement.execute("INSERT INTO profiles (workspace_id, id, created_at, updated_at) SELECT 'bench', " + id
                    + ", now() - interval '30 days', now() - (i % 1440) * interval '1 minute'" + series);
            statement.execute("INSERT INTO profile_identifiers (workspace_id, type, value, profile_id, first_seen_at) "
                    + "SELECT 'bench', 'user_id', 'user-' || i, " + id + ", now() - interval '30 days'" + series
                    + " UNION ALL SELECT 'bench', 'email', 'user-' || i || '@example.com', " + id
                    + ", now() - interval '30 days'" + series);
            statement.execute("INSERT INTO traits (workspace_id, profile_id, key, value, source_id, message_id, observed_at) "
                    + "SELECT 'bench', " + id + ", t.key, t.value, 'src-bench', 'preload-' || i, now() - interval '30 days'"
                    + series + " CROSS JOIN LATERAL (VALUES ('email', to_jsonb('user-' || i || '@example.com')), "
                    + "('plan', to_jsonb((ARRAY[" + BenchData.PLANS + "])[1 + i % 3])), "
                    + "('country', to_jsonb((ARRAY['DE','FR','NL','ES'])[1 + i % 4]))) AS t(key, value)");
            statement.execute("INSERT INTO events (workspace_id, message_id, profile_id, type, name, occurred_at, "
                    + "received_at, source_id, payload) SELECT 'bench', 'preload-' || i || '-' || n, " + id
                    + ", 'track', 'Product Viewed', now() - (n * 7 + i % 7) * interval '1 day', now() - (n * 7 + i % 7) "
                    + "* interval '1 day', 'src-bench', jsonb_build_object('type', 'track', 'event', 'Product Viewed', "
                    + "'userId', 'user-' || i, 'properties', jsonb_build_object('product_id', 'sku-' || (i % 300)))"
                    + series + " CROSS JOIN generate_series(1, 2) AS n");
            statement.execute("INSERT INTO event_keys (workspace_id, message_id, occurred_at) SELECT workspace_id, "
                    + "message_id, occurred_at FROM events");
            statement.execute("VACUUM ANALYZE");
        }
    }

    @Override
    public ProducerRecord<String, String> next() {
        long person = random.nextInt(10) == 0 ? 0 : 1 + random.nextLong(profiles);
        BenchData.Resolved event = BenchData.resolvedEvent(person, random, false);
        return new ProducerRecord<>(Topics.RESOLVED_EVENTS, Topics.key(BenchData.WORKSPACE, event.profileId()), event.json());
    }

    @Override
    public String describe() {
        return String.format("%,d profiles (2 identifiers, 3 traits, 2 events each); traffic 90%% known, 10%% new people",
                profiles);
    }
}
