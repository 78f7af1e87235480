package org.opencdp.bench.consumer;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * segmentation-service applying profile changes of {@code people} people against five trait
 * segments (plan, country, a combination, a negation, an email domain): each change sets one to
 * three of {@code plan}, {@code country}, {@code email}, so memberships enter and exit.
 */
final class SegmentationWorkload implements ConsumerWorkload {

    private static final String[] PLANS = {"free", "pro", "business"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "ES"};

    private final long people;
    private final SplittableRandom random = new SplittableRandom(29);
    /** Each person's last change number: profile-service numbers a profile's changes 1, 2, 3, … */
    private final Map<Long, Long> versions = new HashMap<>();

    SegmentationWorkload(long people) {
        this.people = people;
    }

    @Override
    public String name() {
        return "segmentation";
    }

    @Override
    public SpringApplicationBuilder application() {
        return SegmentationServiceApplication.application();
    }

    @Override
    public String group() {
        return "cdp-segmentation";
    }

    @Override
    public List<String> topics() {
        return List.of(Topics.PROFILE_CHANGES);
    }

    @Override
    public void prepare(ConfigurableApplicationContext service, String token) throws Exception {
        segment(service, token, "Pro", Map.of("trait", "plan", "op", "eq", "value", "pro"));
        segment(service, token, "DACH", Map.of("trait", "country", "op", "in", "value", List.of("DE", "AT", "CH")));
        segment(service, token, "Pro in France", Map.of("and", List.of(Map.of("trait", "plan", "op", "eq", "value", "pro"),
                Map.of("trait", "country", "op", "eq", "value", "FR"))));
        segment(service, token, "Not free", Map.of("not", Map.of("trait", "plan", "op", "eq", "value", "free")));
        segment(service, token, "Example mail", Map.of("trait", "email", "op", "ends_with", "value", "@example.com"));
    }

    private static void segment(ConfigurableApplicationContext service, String token, String name, Object condition)
            throws Exception {
        Api.post(service, token, "/v1/segments", Map.of("name", name, "condition", condition));
    }

    @Override
    public ProducerRecord<String, String> next() {
        long person = 1 + random.nextLong(people);
        Map<String, JsonNode> traits = new LinkedHashMap<>();
        var mapper = MessageCodec.mapper();
        traits.put("plan", mapper.getNodeFactory().stringNode(PLANS[random.nextInt(PLANS.length)]));
        if (random.nextBoolean()) {
            traits.put("country", mapper.getNodeFactory().stringNode(COUNTRIES[random.nextInt(COUNTRIES.length)]));
        }
        if (random.nextInt(4) == 0) {
            traits.put("email", mapper.getNodeFactory().stringNode("user-" + person + (random.nextBoolean()
                    ? "@example.com" : "@example.org")));
        }
        var change = new ProfileChanged(UUID.randomUUID(), BenchData.WORKSPACE, Instant.now(), BenchData.profileId(person),
                traits, Map.of(), versions.merge(person, 1L, Long::sum));
        return new ProducerRecord<>(change.topic(), change.key(), MessageCodec.toJson(change));
    }

    @Override
    public String describe() {
        return String.format("5 trait segments; profile changes of %,d people (1 to 3 traits each)", people);
    }
}
