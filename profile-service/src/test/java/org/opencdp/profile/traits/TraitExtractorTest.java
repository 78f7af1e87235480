package org.opencdp.profile.traits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class TraitExtractorTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void shouldTakeIdentifyTraitsOverContextTraitsWithProvenance() {
        var event = event(EventType.identify, "{\"traits\":{\"plan\":\"ctx\",\"locale\":\"fr\"}}",
                "{\"plan\":\"pro\",\"address\":{\"city\":\"Paris\"}}");

        List<TraitObservation> observations = TraitExtractor.observationsOf(event, AT, "src_web");

        assertThat(values(observations)).containsOnly(
                Map.entry("plan", json("\"pro\"")),
                Map.entry("locale", json("\"fr\"")),
                Map.entry("address", json("{\"city\":\"Paris\"}")));
        assertThat(observations).allSatisfy(o -> {
            assertThat(o.messageId()).isEqualTo("msg-1");
            assertThat(o.sourceId()).isEqualTo("src_web");
            assertThat(o.observedAt()).isEqualTo(AT);
        });
    }

    @Test
    void shouldTakeContextTraitsOfATrackCall() {
        var event = event(EventType.track, "{\"traits\":{\"email\":\"a@example.com\"}}", null);

        assertThat(values(TraitExtractor.observationsOf(event, AT, "src")))
                .containsOnly(Map.entry("email", json("\"a@example.com\"")));
    }

    @Test
    void shouldNotApplyGroupTraitsToThePerson() {
        var event = event(EventType.group, "{\"traits\":{\"email\":\"a@example.com\"}}", "{\"employees\":40}");

        assertThat(values(TraitExtractor.observationsOf(event, AT, "src")))
                .containsOnly(Map.entry("email", json("\"a@example.com\"")));
    }

    @Test
    void shouldIgnoreContextTraitsThatAreNotAnObject() {
        var event = event(EventType.track, "{\"traits\":\"oops\"}", null);

        assertThat(TraitExtractor.observationsOf(event, AT, "src")).isEmpty();
    }

    @Test
    void shouldRefuseATraitKeyTooLongToIndex() {
        String key = "k".repeat(TraitExtractor.MAX_KEY_LENGTH + 1);
        var event = event(EventType.identify, null, "{\"" + key + "\":1}");

        assertThatThrownBy(() -> TraitExtractor.observationsOf(event, AT, "src"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Trait key longer than");
    }

    private static Map<String, JsonNode> values(List<TraitObservation> observations) {
        return observations.stream().collect(Collectors.toMap(TraitObservation::key, TraitObservation::value));
    }

    private static JsonNode json(String json) {
        return MessageCodec.mapper().readTree(json);
    }

    private static SegmentEvent event(EventType type, String context, String traits) {
        return new SegmentEvent(type, "msg-1", "u1", null, "Order Completed", null, null, null, null, AT, AT, AT,
                AT, context == null ? null : (ObjectNode) json(context), null,
                traits == null ? null : (ObjectNode) json(traits), null);
    }
}
