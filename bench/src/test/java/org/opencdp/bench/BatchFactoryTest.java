package org.opencdp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

class BatchFactoryTest {

    @Test
    void shouldBuildValidBatchesOfUniqueTrackEvents() {
        var factory = new BatchFactory(100);
        Set<String> messageIds = new HashSet<>();

        for (int round = 0; round < 3; round++) {
            JsonNode batch = MessageCodec.mapper().readTree(factory.next());
            assertThat(batch.path("batch").size()).isEqualTo(100);
            batch.path("batch").forEach(event -> {
                assertThat(event.path("type").asString()).isEqualTo("track");
                assertThat(event.path("event").asString()).isNotBlank();
                messageIds.add(event.path("messageId").asString());
            });
        }

        assertThat(messageIds).hasSize(300);
    }

    @Test
    void shouldReadDurationsInShortAndIsoForm() {
        assertThat(Bench.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Bench.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Bench.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Bench.duration("PT5S")).isEqualTo(Duration.ofSeconds(5));
    }
}
