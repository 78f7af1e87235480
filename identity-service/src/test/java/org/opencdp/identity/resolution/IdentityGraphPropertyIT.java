package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.privacy.Erasures;
import org.opencdp.identity.rules.IdentityRulesService;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Resolution against PostgreSQL does not depend on the order or the interleaving of events: for
 * random event sets that hit no rule, the same set resolved (1) one event per transaction in a
 * shuffled order, (2) in random multi-event transactions in another order, and (3) by four threads
 * at once in random transactions, each in its own workspace, groups the identifiers into the same
 * profiles: the connected components of "carried by one event". The service runs for real (Spring,
 * Flyway, inbox, outbox); only its Kafka listener is not started, the events are handed to the
 * resolution service directly.
 */
class IdentityGraphPropertyIT {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static TestInfrastructure infrastructure;
    private static ConfigurableApplicationContext context;
    private static EventAcceptedListener listener;
    private static final AtomicLong OFFSETS = new AtomicLong();
    private static IdentityRulesService rules;
    private static IdentityProperties properties;
    private static JdbcTemplate jdbc;

    @BeforeContainer
    static void startService() {
        infrastructure = TestInfrastructure.start();
        Map<String, Object> settings = new LinkedHashMap<>(infrastructure.springProperties());
        settings.put("server.port", 0);
        settings.put("spring.kafka.listener.auto-startup", false);
        context = IdentityServiceApplication.application()
                .run(settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
        listener = context.getBean(EventAcceptedListener.class);
        rules = context.getBean(IdentityRulesService.class);
        properties = context.getBean(IdentityProperties.class);
        jdbc = context.getBean(JdbcTemplate.class);
    }

    @AfterContainer
    static void stopService() {
        if (context != null) {
            context.close();
        }
        if (infrastructure != null) {
            infrastructure.close();
        }
    }

    @Property(tries = 12)
    void shouldGroupIdentifiersTheSameWayInEveryOrderAndInterleaving(
            @ForAll("eventSets") List<List<PersonIdentifier>> events, @ForAll Random random) throws Exception {
        Set<Set<PersonIdentifier>> expected = RandomPeople.components(events);
        String run = "prop-" + RUNS.incrementAndGet();

        String oneByOne = run + "-one-by-one";
        for (List<PersonIdentifier> event : RandomPeople.shuffled(events, random)) {
            resolve(List.of(input(oneByOne, event)), 0);
        }
        String batched = run + "-batched";
        for (List<ResolutionInput> chunk : chunks(batched, RandomPeople.shuffled(events, random), random)) {
            resolve(chunk, 0);
        }
        String concurrent = run + "-concurrent";
        resolveConcurrently(chunks(concurrent, RandomPeople.shuffled(events, random), random));

        for (String workspace : List.of(oneByOne, batched, concurrent)) {
            assertThat(grouping(workspace)).as(workspace).isEqualTo(expected);
            assertThat(count("SELECT count(*) FROM profiles WHERE workspace_id = ? AND merged_into IS NULL", workspace))
                    .as(workspace + ": one live profile per group").isEqualTo(expected.size());
            assertThat(count("""
                    SELECT count(*) FROM profiles p WHERE p.workspace_id = ? AND p.merged_into IS NULL
                      AND p.identifier_counts <> (SELECT jsonb_object_agg(type, n) FROM (SELECT type, count(*) AS n
                          FROM identities i WHERE i.workspace_id = p.workspace_id AND i.profile_id = p.id
                          GROUP BY type) c)""", workspace)).as(workspace + ": counters match").isZero();
        }
    }

    /**
     * Issue 12: erasing a person leaves no row that breaks later resolution. After an erase the other
     * people keep their profiles and the person's identifiers are gone; an erase racing four resolving
     * threads leaves every identifier on a live profile and every redirect and merge record on an
     * existing one; and resolving all the events again afterwards groups the identifiers exactly as
     * if nothing had been erased.
     */
    @Property(tries = 8)
    void shouldLeaveNoDanglingRowsWhenAPersonIsErasedAndRegroupItsEventsAfterwards(
            @ForAll("eventSets") List<List<PersonIdentifier>> events, @ForAll Random random) throws Exception {
        Set<Set<PersonIdentifier>> expected = RandomPeople.components(events);
        String workspace = "prop-" + RUNS.incrementAndGet() + "-erased";
        List<PersonIdentifier> carried = events.get(random.nextInt(events.size()));
        PersonIdentifier erased = carried.get(random.nextInt(carried.size()));
        Set<PersonIdentifier> person = expected.stream().filter(group -> group.contains(erased)).findFirst()
                .orElseThrow();

        for (List<ResolutionInput> chunk : chunks(workspace, RandomPeople.shuffled(events, random), random)) {
            resolve(chunk, 0);
        }
        erase(workspace, erased);
        Set<Set<PersonIdentifier>> others = new HashSet<>(expected);
        others.remove(person);
        assertThat(grouping(workspace)).as("the others keep their profiles, the person is gone").isEqualTo(others);
        assertConsistent(workspace);

        // an erase racing resolution of all the events again
        ExecutorService eraser = Executors.newSingleThreadExecutor();
        try {
            Future<?> erasing = eraser.submit(() -> erase(workspace, erased));
            resolveConcurrently(chunks(workspace, RandomPeople.shuffled(events, random), random));
            erasing.get(60, TimeUnit.SECONDS);
        } finally {
            eraser.shutdownNow();
        }
        assertConsistent(workspace);

        for (List<ResolutionInput> chunk : chunks(workspace, RandomPeople.shuffled(events, random), random)) {
            resolve(chunk, 0);
        }
        assertThat(grouping(workspace)).as("regrouped as if never erased").isEqualTo(expected);
        assertThat(count("SELECT count(*) FROM profiles WHERE workspace_id = ? AND merged_into IS NULL", workspace))
                .as("one live profile per group").isEqualTo(expected.size());
        assertConsistent(workspace);
    }

    /**
     * Erases the person of {@code identifier}; a lock race the kit gave up on (after its own attempts)
     * is delivered again, as Kafka's retry would.
     */
    private static void erase(String workspaceId, PersonIdentifier identifier) {
        for (int attempt = 1; ; attempt++) {
            try {
                Erasures.erase(context, workspaceId, List.of(identifier.toContract()));
                return;
            } catch (ConcurrencyFailureException e) {
                if (attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    /** Every identifier on a live profile, every redirect and merge record on an existing one, counters exact. */
    private static void assertConsistent(String workspace) {
        assertThat(count("""
                SELECT count(*) FROM identities i WHERE i.workspace_id = ? AND NOT EXISTS (SELECT 1 FROM profiles p
                    WHERE p.workspace_id = i.workspace_id AND p.id = i.profile_id AND p.merged_into IS NULL)""",
                workspace)).as(workspace + ": identifiers on live profiles").isZero();
        assertThat(count("""
                SELECT count(*) FROM profiles p WHERE p.workspace_id = ? AND p.merged_into IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM profiles s WHERE s.workspace_id = p.workspace_id
                                  AND s.id = p.merged_into)""", workspace))
                .as(workspace + ": redirects to existing profiles").isZero();
        assertThat(count("""
                SELECT count(*) FROM merges m WHERE m.workspace_id = ? AND EXISTS (
                    SELECT 1 FROM unnest(m.survivor_id || m.merged_ids) AS x (id) WHERE NOT EXISTS (
                        SELECT 1 FROM profiles p WHERE p.workspace_id = m.workspace_id AND p.id = x.id))""",
                workspace)).as(workspace + ": merge records of existing profiles").isZero();
        assertThat(count("""
                SELECT count(*) FROM profiles p WHERE p.workspace_id = ? AND p.merged_into IS NULL
                  AND p.identifier_counts <> coalesce((SELECT jsonb_object_agg(type, n) FROM (SELECT type, count(*) AS n
                      FROM identities i WHERE i.workspace_id = p.workspace_id AND i.profile_id = p.id
                      GROUP BY type) c), '{}'::jsonb)""", workspace)).as(workspace + ": counters match").isZero();
    }

    @Provide
    Arbitrary<List<List<PersonIdentifier>>> eventSets() {
        return RandomPeople.eventSets(30);
    }

    private static ResolutionInput input(String workspaceId, List<PersonIdentifier> event) {
        return ResolutionInput.of(RandomPeople.event(workspaceId, event, AT), rules.rulesFor(workspaceId),
                properties);
    }

    /** The events of {@code order} as inputs in transactions of one to six events. */
    private static List<List<ResolutionInput>> chunks(String workspaceId, List<List<PersonIdentifier>> order,
                                                      Random random) {
        List<List<ResolutionInput>> chunks = new ArrayList<>();
        int start = 0;
        while (start < order.size()) {
            int end = Math.min(order.size(), start + 1 + random.nextInt(6));
            chunks.add(order.subList(start, end).stream().map(event -> input(workspaceId, event)).toList());
            start = end;
        }
        return chunks;
    }

    /**
     * Hands {@code chunk} to the service's listener as one poll of records from {@code partition},
     * so it goes through the kit's batch consumer as in production. Offsets only grow: the
     * consumer skips offsets it has applied.
     */
    private static void resolve(List<ResolutionInput> chunk, int partition) {
        listener.on(chunk.stream()
                .map(input -> new ConsumerRecord<>(Topics.EVENTS, partition, OFFSETS.getAndIncrement(),
                        input.message().key(), MessageCodec.toJson(input.message())))
                .toList());
    }

    private static void resolveConcurrently(List<List<ResolutionInput>> chunks) throws Exception {
        ConcurrentLinkedQueue<List<ResolutionInput>> queue = new ConcurrentLinkedQueue<>(chunks);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int partition = 1 + i;
                workers.add(threads.submit(() -> {
                    for (List<ResolutionInput> chunk = queue.poll(); chunk != null; chunk = queue.poll()) {
                        resolve(chunk, partition);
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static Set<Set<PersonIdentifier>> grouping(String workspaceId) {
        Map<PersonIdentifier, String> links = new HashMap<>();
        jdbc.query("SELECT type, value, profile_id FROM identities WHERE workspace_id = ?",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> links.put(
                        new PersonIdentifier(rs.getString(1), rs.getString(2)), rs.getString(3)),
                workspaceId);
        return RandomPeople.grouping(links);
    }

    private static long count(String sql, Object... arguments) {
        Long value = jdbc.queryForObject(sql, Long.class, arguments);
        return value == null ? 0 : value;
    }
}
