package org.opencdp.identity.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.identity.graph.DroppedIdentifier;
import org.opencdp.identity.graph.IdentityLink;
import org.opencdp.identity.graph.IdentityRepository;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.merge.MergeRecord;
import org.opencdp.identity.merge.MergeRepository;
import org.opencdp.identity.privacy.PersonStore.PersonProfile;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Issue 12: an export stays inside its byte budget, so the acknowledgement carrying it fits a Kafka record. */
class PersonExportTest {

    private static final JsonMapper JSON = MessageCodec.mapper();
    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");
    /** Kafka's default record limit (max.request.size, message.max.bytes). */
    private static final int KAFKA_RECORD_LIMIT = 1_048_576;

    @Test
    void shouldListEverythingAndSayCompleteWhenItFits() {
        ObjectNode export = PersonExport.of(JSON, 800_000, 2000, 1000, List.of(profile("p1", null)),
                listed(List.of(link("p1", "u1")), Map.of("p1", 1L)), new MergeRepository.Involving(List.of(), 0));

        assertThat(export.path("complete").asBoolean()).isTrue();
        assertThat(export.path("identifiers").size()).isEqualTo(1);
        assertThat(export.path("omitted").path("identifiers").asLong()).isZero();
        assertThat(export.path("limits").path("maxBytes").asInt()).isEqualTo(800_000);
    }

    @Test
    void shouldCountTheIdentifiersAndMergesTheRepositoriesLeftOut() {
        ObjectNode export = PersonExport.of(JSON, 800_000, 2, 1, List.of(profile("p1", null), profile("p2", "p1")),
                listed(List.of(link("p1", "a"), link("p1", "b")), Map.of("p1", 7L)),
                new MergeRepository.Involving(List.of(merge("p1", List.of("p2"))), 3));

        assertThat(export.path("complete").asBoolean()).isFalse();
        assertThat(export.path("omitted").path("identifiers").asLong()).isEqualTo(5);
        assertThat(export.path("omitted").path("merges").asLong()).isEqualTo(2);
        assertThat(export.path("profiles").size()).isEqualTo(2);
    }

    @Test
    void shouldStopAtTheByteBudgetSoTheAcknowledgementFitsAKafkaRecord() {
        // 5,000 identifiers of 600 characters that JSON escapes to six bytes each: far over 1 MB listed in full
        String escaped = "\u0001".repeat(600);
        List<IdentityLink> links = new ArrayList<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        for (int i = 0; i < 5000; i++) {
            links.add(link("p1", i + escaped));
        }
        totals.put("p1", 5000L);
        List<MergeRecord> merges = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            merges.add(merge("p1", List.of("m" + i)));
        }

        ObjectNode export = PersonExport.of(JSON, 800_000, 5000, 1000, List.of(profile("p1", null)),
                listed(links, totals), new MergeRepository.Involving(merges, 1000));

        int size = JSON.writeValueAsBytes(export).length;
        assertThat(size).isLessThanOrEqualTo(800_000).isGreaterThan(700_000);
        assertThat(export.path("complete").asBoolean()).isFalse();
        assertThat(export.path("identifiers").size() + export.path("omitted").path("identifiers").asLong())
                .isEqualTo(5000);
        assertThat(export.path("merges").size()).as("identifiers took most of the budget first").isLessThan(100);
        assertThat(export.path("merges").size() + export.path("omitted").path("merges").asLong()).isEqualTo(1000);
        PrivacyCommandAcknowledged ack = new PrivacyCommandAcknowledged(UUID.randomUUID(), "ws", AT,
                UUID.randomUUID(), "identity", PrivacyCommandAcknowledged.Outcome.DONE, "x".repeat(500), export);
        assertThat(MessageCodec.toBytes(ack).length).isLessThan(KAFKA_RECORD_LIMIT);
    }

    private static IdentityRepository.Listed listed(List<IdentityLink> links, Map<String, Long> totals) {
        return new IdentityRepository.Listed(links, totals);
    }

    private static PersonProfile profile(String id, String mergedInto) {
        return new PersonProfile(id, AT, mergedInto, mergedInto == null ? null : AT.plusSeconds(5),
                mergedInto == null ? 1 : 0);
    }

    private static IdentityLink link(String profileId, String value) {
        return new IdentityLink(new PersonIdentifier("user_id", value), profileId, AT, "msg-1", "src-web");
    }

    private static MergeRecord merge(String survivor, List<String> merged) {
        return new MergeRecord(UUID.randomUUID(), "ws", survivor, merged,
                List.of(new PersonIdentifier("email", "jane@example.com")),
                List.of(new DroppedIdentifier(new PersonIdentifier("email", "other@example.com"), "limit")),
                UUID.randomUUID(), "msg-1", "src-web", "flat_matching", 1, AT);
    }
}
