package org.opencdp.profile.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.profile.privacy.PersonExport.Section;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Issue 12: an export always fits its byte budget, says what it left out, and keeps the newest events without gaps. */
class PersonExportTest {

    private static final JsonMapper JSON = MessageCodec.mapper();

    @Test
    void shouldListEverythingWhenItFitsAndCountIt() {
        PersonExport export = new PersonExport(JSON, 10_000);
        assertThat(export.add(Section.PROFILES, JSON.createObjectNode().put("id", "p-1"))).isTrue();
        assertThat(export.add(Section.EVENTS, event(2, 100))).isTrue();
        assertThat(export.add(Section.EVENTS, event(1, 100))).isTrue();

        ObjectNode document = export.finish(Map.of(Section.PROFILES, 1L, Section.EVENTS, 2L), 10);

        assertThat(document.path("truncated").asBoolean()).isFalse();
        assertThat(document.path("events").size()).isEqualTo(2);
        assertThat(document.path("counts").path("events").path("total").asLong()).isEqualTo(2);
        assertThat(document.path("counts").path("identifiers").path("total").asLong()).isZero();
        assertThat(document.path("limits").path("maxBytes").asInt()).isEqualTo(10_000);
        assertThat(document.path("identifiers").isArray()).isTrue();
    }

    @Test
    void shouldCloseASectionAtTheFirstItemThatDoesNotFitAndGoOnWithTheNext() {
        PersonExport export = new PersonExport(JSON, 10_000);
        int listed = 0;
        while (export.add(Section.EVENTS, event(listed, 1_000))) {
            listed++;
        }
        assertThat(listed).isBetween(5, 9);
        assertThat(export.add(Section.EVENTS, event(listed + 1, 10))).as("no gap after a refused event").isFalse();
        assertThat(export.add(Section.COMPUTED_TRAITS, JSON.createObjectNode().put("key", "ltv").put("value", 5)))
                .as("a later section still takes small items").isTrue();

        ObjectNode document = export.finish(Map.of(Section.EVENTS, 5_000L, Section.COMPUTED_TRAITS, 1L), 10_000);

        assertThat(document.path("truncated").asBoolean()).isTrue();
        assertThat(document.path("counts").path("events").path("exported").asInt()).isEqualTo(listed);
        assertThat(document.path("counts").path("events").path("total").asLong()).isEqualTo(5_000);
        assertThat(bytes(document)).isLessThanOrEqualTo(10_000);
    }

    @Test
    void shouldKeepTheAcknowledgementUnderAKafkaRecordWhateverThePersonHolds() {
        Random random = new Random(12);
        for (int run = 0; run < 5; run++) {
            int maxBytes = 800_000 + random.nextInt(100_001);
            PersonExport export = new PersonExport(JSON, maxBytes);
            List<Section> sections = List.of(Section.values());
            int offered = 0;
            for (Section section : sections) {
                for (int i = 0; i < 3_000; i++) {
                    offered++;
                    // multi-byte characters and escapes count as the bytes they are written as
                    export.add(section, event(i, random.nextInt(1_500)).put("text", "é\"\\\u2028😀".repeat(random.nextInt(50))));
                }
            }
            ObjectNode document = export.finish(Map.of(Section.EVENTS, 3_000L), 10_000);
            PrivacyCommandAcknowledged ack = new PrivacyCommandAcknowledged(UUID.randomUUID(), "ws_" + "x".repeat(60),
                    Instant.now(), UUID.randomUUID(), "profile", PrivacyCommandAcknowledged.Outcome.DONE,
                    "Exported a lot; cut to fit: see counts. ".repeat(10), document);

            assertThat(offered).isEqualTo(15_000);
            assertThat(document.path("truncated").asBoolean()).isTrue();
            assertThat(bytes(document)).isLessThanOrEqualTo(maxBytes);
            assertThat(MessageCodec.toBytes(ack).length).as("the record's value").isLessThan(905_000);
        }
    }

    private static ObjectNode event(int n, int padding) {
        ObjectNode event = JSON.createObjectNode().put("messageId", "m-" + n)
                .put("occurredAt", Instant.parse("2025-03-01T10:00:00Z").minusSeconds(n).toString());
        event.putObject("event").put("padding", "x".repeat(padding));
        return event;
    }

    private static int bytes(ObjectNode document) {
        return JSON.writeValueAsString(document).getBytes(StandardCharsets.UTF_8).length;
    }
}
