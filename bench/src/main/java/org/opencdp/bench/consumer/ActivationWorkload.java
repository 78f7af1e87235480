package org.opencdp.bench.consumer;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * activation-service taking in resolved events and membership changes: three webhook destinations
 * (one subscribed to {@code Order Completed}, one to the segment {@code seg-pro}, one to both), 80%
 * resolved events (10% of them orders) and 20% entries and exits of {@code seg-pro} or of a segment
 * no destination follows. The dispatcher runs too, against a consent-service that does not answer,
 * so deliveries are queued and wait: this measures intake.
 */
final class ActivationWorkload implements ConsumerWorkload {

    private final long people;
    private final SplittableRandom random = new SplittableRandom(23);
    private final Map<Long, Long> versions = new java.util.HashMap<>();

    ActivationWorkload(long people) {
        this.people = people;
    }

    @Override
    public String name() {
        return "activation";
    }

    @Override
    public SpringApplicationBuilder application() {
        return ActivationServiceApplication.application();
    }

    @Override
    public String group() {
        return "cdp-activation";
    }

    @Override
    public List<String> topics() {
        return List.of(Topics.RESOLVED_EVENTS, Topics.MEMBERSHIPS);
    }

    @Override
    public List<String> arguments() {
        return List.of("--cdp.activation.consent.url=http://127.0.0.1:9", "--cdp.activation.consent.timeout=200ms",
                "--cdp.activation.network.allow=127.0.0.1");
    }

    @Override
    public void prepare(ConfigurableApplicationContext service, String token) throws Exception {
        destination(service, token, "orders", List.of("Order Completed"), List.of());
        destination(service, token, "pro audience", List.of(), List.of("seg-pro"));
        destination(service, token, "both", List.of("Order Completed"), List.of("seg-pro"));
    }

    private static void destination(ConfigurableApplicationContext service, String token, String name, List<String> events,
                                    List<String> segments) throws Exception {
        Api.post(service, token, "/v1/destinations", Map.of("name", name, "type", "webhook",
                "config", Map.of("url", "http://127.0.0.1:9/hook", "secret", "bench-secret"),
                "requiredPurposes", List.of("marketing"),
                "subscriptions", Map.of("events", events, "segments", segments)));
    }

    @Override
    public ProducerRecord<String, String> next() {
        long person = 1 + random.nextLong(people);
        if (random.nextInt(10) < 8) {
            BenchData.Resolved event = BenchData.resolvedEvent(person, random, false);
            return new ProducerRecord<>(Topics.RESOLVED_EVENTS, Topics.key(BenchData.WORKSPACE, event.profileId()), event.json());
        }
        long version = versions.merge(person, 1L, Long::sum);
        var change = new MembershipChanged(UUID.randomUUID(), BenchData.WORKSPACE, Instant.now(),
                random.nextBoolean() ? "seg-pro" : "seg-other", BenchData.profileId(person),
                version % 2 == 1 ? MembershipChanged.Transition.entered : MembershipChanged.Transition.exited, version);
        return new ProducerRecord<>(change.topic(), change.key(), MessageCodec.toJson(change));
    }

    @Override
    public String describe() {
        return String.format("3 webhook destinations; traffic of %,d people: 80%% resolved events, 20%% membership changes",
                people);
    }
}
