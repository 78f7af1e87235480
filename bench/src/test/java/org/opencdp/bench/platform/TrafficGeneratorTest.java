package org.opencdp.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

class TrafficGeneratorTest {

    private static final String NOW = "2026-12-01T10:00:00.000Z";
    private static final int EVENTS = 60_000;
    private static Catalog catalog;
    private static List<GeneratedEvent> events;
    private static TrafficGenerator generator;

    @BeforeAll
    static void generate() {
        catalog = new Catalog(7);
        generator = new TrafficGenerator(7, "t1", TrafficMix.shop(), catalog);
        events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(generator.next(NOW));
        }
    }

    @Test
    void shouldGenerateTheSameTrafficWhenTheSeedIsTheSame() {
        TrafficGenerator again = new TrafficGenerator(7, "t1", TrafficMix.shop());
        for (int i = 0; i < 5_000; i++) {
            assertThat(again.next(NOW)).isEqualTo(events.get(i));
        }
    }

    @Test
    void shouldGenerateOtherTrafficWhenTheSeedDiffers() {
        TrafficGenerator other = new TrafficGenerator(8, "t1", TrafficMix.shop());
        List<String> first = events.subList(0, 200).stream().map(GeneratedEvent::json).toList();
        List<String> second = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            second.add(other.next(NOW).json());
        }
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void shouldKeepAShopsSharesOfEventKindsWhenManyEventsAreGenerated() {
        Map<GeneratedEvent.Kind, Integer> counts = new EnumMap<>(GeneratedEvent.Kind.class);
        events.forEach(event -> counts.merge(event.kind(), 1, Integer::sum));
        assertThat(share(counts, GeneratedEvent.Kind.PAGE)).isBetween(0.45, 0.62);
        assertThat(share(counts, GeneratedEvent.Kind.PRODUCT_VIEWED)).isBetween(0.10, 0.18);
        assertThat(share(counts, GeneratedEvent.Kind.PRODUCT_ADDED)).isBetween(0.05, 0.09);
        assertThat(share(counts, GeneratedEvent.Kind.ORDER_COMPLETED)).isBetween(0.02, 0.06);
        assertThat(share(counts, GeneratedEvent.Kind.IDENTIFY)).isBetween(0.10, 0.22);
        assertThat(share(counts, GeneratedEvent.Kind.CONSENT_CHANGE)).isBetween(0.03, 0.07);
    }

    @Test
    void shouldGivePeopleSeveralDevicesWhenTheyReturn() {
        List<TrafficGenerator.Person> people = generator.peopleSoFar();
        assertThat(people).hasSizeGreaterThan(1_000);
        assertThat(people).allSatisfy(person -> assertThat(person.devices).hasSizeBetween(1, TrafficMix.MAX_DEVICES));
        long withSeveral = people.stream().filter(person -> person.devices.size() > 1).count();
        assertThat((double) withSeveral / people.size()).isBetween(0.05, 0.5);
    }

    @Test
    void shouldPutAboutTheProShareOfIdentifiedPeopleOnPlanPro() {
        Set<String> identified = new HashSet<>();
        Set<String> pro = new HashSet<>();
        for (GeneratedEvent event : events) {
            if (event.kind() == GeneratedEvent.Kind.IDENTIFY) {
                identified.add(event.userId());
                if ("pro".equals(read(event).path("traits").path("plan").asString())) {
                    pro.add(event.userId());
                }
            }
        }
        assertThat((double) pro.size() / identified.size()).isBetween(0.27, 0.40);
    }

    @Test
    void shouldSendAnonymousEventsBeforeADeviceIdentifiesWithUserIdAndEmail() {
        Map<String, Boolean> anonymousFirst = new HashMap<>();
        int identifiedLater = 0;
        for (GeneratedEvent event : events) {
            Boolean wasAnonymous = anonymousFirst.putIfAbsent(event.anonymousId(), event.userId() == null);
            if (event.kind() == GeneratedEvent.Kind.IDENTIFY) {
                JsonNode json = read(event);
                assertThat(json.path("userId").asString()).isEqualTo(event.userId()).isNotBlank();
                assertThat(json.path("anonymousId").asString()).isEqualTo(event.anonymousId());
                assertThat(json.path("traits").path("email").asString()).contains("@");
                if (Boolean.TRUE.equals(wasAnonymous)) {
                    identifiedLater++;
                }
            }
        }
        assertThat(identifiedLater).isGreaterThan(1_000);
    }

    @Test
    void shouldCompleteOrdersWithTotalsOnlyForIdentifiedDevices() {
        List<GeneratedEvent> orders = events.stream().filter(e -> e.kind() == GeneratedEvent.Kind.ORDER_COMPLETED).toList();
        assertThat(orders).isNotEmpty().allSatisfy(order -> {
            JsonNode json = read(order);
            assertThat(json.path("event").asString()).isEqualTo("Order Completed");
            assertThat(json.path("userId").asString()).isNotBlank();
            assertThat(json.path("properties").path("total").asDouble()).isPositive();
            assertThat(json.path("properties").path("products").size()).isBetween(1, 4);
        });
    }

    @Test
    void shouldCarryConsentOnTheFirstEventOfEveryDeviceAndOnConsentChanges() {
        Set<String> seen = new HashSet<>();
        for (GeneratedEvent event : events) {
            JsonNode preferences = read(event).path("context").path("consent").path("categoryPreferences");
            boolean first = seen.add(event.anonymousId());
            if (first || event.kind() == GeneratedEvent.Kind.CONSENT_CHANGE || event.kind() == GeneratedEvent.Kind.IDENTIFY) {
                assertThat(preferences.path("marketing").isBoolean()).as(event.json()).isTrue();
                assertThat(event.carriesConsent()).isTrue();
            } else {
                assertThat(preferences.isMissingNode()).as(event.json()).isTrue();
            }
        }
    }

    @Test
    void shouldMarkTheSegmentEntryOncePerPersonWhenTheirPlanBecomesPro() {
        Map<String, Integer> entries = new HashMap<>();
        for (GeneratedEvent event : events.stream().filter(GeneratedEvent::entersSegment).toList()) {
            assertThat(read(event).path("traits").path("plan").asString()).isEqualTo("pro");
            entries.merge(event.userId(), 1, Integer::sum);
        }
        assertThat(entries).isNotEmpty();
        assertThat(entries.values()).containsOnly(1);
        long reachingWebhook = events.stream().filter(GeneratedEvent::reachesWebhook).count();
        assertThat((double) reachingWebhook / entries.size()).isBetween(0.55, 0.85); // marketing consent share 0.7
    }

    @Test
    void shouldGiveEveryEventAUniqueMessageIdAndTheTimestampItWasSentAt() {
        Set<String> ids = new HashSet<>();
        for (GeneratedEvent event : events) {
            JsonNode json = read(event);
            assertThat(ids.add(json.path("messageId").asString())).isTrue();
            assertThat(json.path("timestamp").asString()).isEqualTo(NOW);
        }
    }

    private static double share(Map<GeneratedEvent.Kind, Integer> counts, GeneratedEvent.Kind kind) {
        return counts.getOrDefault(kind, 0) / (double) EVENTS;
    }

    private static JsonNode read(GeneratedEvent event) {
        return MessageCodec.mapper().readTree(event.json());
    }
}
