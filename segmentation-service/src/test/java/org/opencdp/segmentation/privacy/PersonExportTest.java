package org.opencdp.segmentation.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opencdp.segmentation.privacy.PrivacyRepository.MergeRecord;
import org.opencdp.segmentation.privacy.PrivacyRepository.StoredMembership;
import org.opencdp.segmentation.privacy.PrivacyRepository.StoredProfile;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Issue 12: an export stays within its byte budget and says what it left out. */
class PersonExportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant AT = Instant.parse("2026-05-01T10:00:00Z");

    private static StoredMembership membership(String profileId, String segmentId, boolean member) {
        return new StoredMembership(profileId, segmentId, "Segment " + segmentId, member, AT);
    }

    private static StoredProfile profile(String profileId, int traits) {
        ObjectNode node = JSON.createObjectNode();
        IntStream.range(0, traits).forEach(i -> node.put("t" + String.format("%04d", i), "v".repeat(40)));
        return new StoredProfile(profileId, node.toString(), "{\"ltv\": 12.5}", AT);
    }

    private static int size(ObjectNode export) {
        return JSON.writeValueAsBytes(export).length;
    }

    @Test
    void shouldListEverythingWhenItFits() {
        ObjectNode export = PersonExport.of(JSON, 800_000, List.of("p1", "p0"), List.of(profile("p1", 3)),
                List.of(membership("p1", "s1", true), membership("p1", "s2", false)),
                List.of(new MergeRecord("p0", "p1", AT)));

        assertThat(export.path("truncated").asBoolean()).isFalse();
        assertThat(export.path("memberships").get(0).path("since").asString()).isEqualTo("2026-05-01T10:00:00Z");
        assertThat(export.path("memberships").get(0).path("name").asString()).isEqualTo("Segment s1");
        assertThat(export.path("formerMemberships").get(0).path("leftAt").asString()).isEqualTo("2026-05-01T10:00:00Z");
        assertThat(export.path("profiles").get(0).path("traits").size()).isEqualTo(3);
        assertThat(export.path("profiles").get(0).path("computedTraits").path("ltv").asDouble()).isEqualTo(12.5);
        assertThat(export.path("merges").get(0).path("survivorId").asString()).isEqualTo("p1");
        assertThat(export.path("omitted").valueStream().mapToLong(n -> n.asLong()).sum()).isZero();
    }

    @Test
    void shouldCutMembershipsFirstInTheirOrderAndStayWithinTheBudget() {
        List<StoredMembership> many = new ArrayList<>();
        IntStream.range(0, 5_000).forEach(i -> many.add(membership("p1", "segment-" + i, i % 2 == 0)));

        ObjectNode export = PersonExport.of(JSON, 20_000, List.of("p1"), List.of(profile("p1", 3)), many, List.of());

        assertThat(size(export)).isLessThanOrEqualTo(20_000);
        assertThat(export.path("truncated").asBoolean()).isTrue();
        int listed = export.path("memberships").size();
        assertThat(listed).isPositive();
        assertThat(export.path("omitted").path("memberships").asLong()).isEqualTo(2_500 - listed);
        assertThat(export.path("memberships").get(0).path("segmentId").asString()).isEqualTo("segment-0");
        // the lists after the one cut get nothing but still say how much they left out
        assertThat(export.path("profiles").size()).isZero();
        assertThat(export.path("omitted").path("profiles").asLong()).isEqualTo(1);
        assertThat(export.path("omitted").path("formerMemberships").asLong()).isEqualTo(2_500);
    }

    @Test
    void shouldListAProfileTooLargeForTheBudgetWithTheTraitsThatFit() {
        ObjectNode export = PersonExport.of(JSON, 30_000, List.of("big", "next"),
                List.of(profile("big", 2_000), profile("next", 1)), List.of(membership("big", "s1", true)), List.of());

        assertThat(size(export)).isLessThanOrEqualTo(30_000);
        assertThat(export.path("truncated").asBoolean()).isTrue();
        assertThat(export.path("memberships").size()).isEqualTo(1);
        assertThat(export.path("profiles")).singleElement().satisfies(p -> {
            assertThat(p.path("profileId").asString()).isEqualTo("big");
            assertThat(p.path("complete").asBoolean()).isFalse();
            assertThat(p.path("traits").size()).isBetween(100, 1_999);
            assertThat(p.path("traits").has("t0000")).isTrue();
            assertThat(export.path("omitted").path("traits").asLong())
                    .isEqualTo(2_000 + 1 - p.path("traits").size() - p.path("computedTraits").size());
        });
        assertThat(export.path("omitted").path("profiles").asLong()).isEqualTo(1);
    }

    @Test
    void shouldStayWithinTheBudgetWhateverTheMix() {
        for (int budget = 10_000; budget <= 200_000; budget += 9_973) {
            List<StoredMembership> memberships = new ArrayList<>();
            IntStream.range(0, 700).forEach(i -> memberships.add(membership("p" + (i % 3), "s" + i, i % 3 != 0)));
            List<StoredProfile> profiles = List.of(profile("p0", 500), profile("p1", 50), profile("p2", 3_000));
            List<MergeRecord> merges = IntStream.range(0, 300).mapToObj(i -> new MergeRecord("m" + i, "p0", AT)).toList();

            ObjectNode export = PersonExport.of(JSON, budget, List.of("p0", "p1", "p2"), profiles, memberships, merges);

            assertThat(size(export)).as("budget %d", budget).isLessThanOrEqualTo(budget);
            assertThat(export.path("truncated").asBoolean()).isTrue();
        }
    }
}
