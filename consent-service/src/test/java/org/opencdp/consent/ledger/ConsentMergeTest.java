package org.opencdp.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge rule of issue 12: per purpose, the latest statement by event time; at a tie, a denial. */
class ConsentMergeTest {

    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-02T10:00:00Z");

    @Test
    void shouldLetALaterAnonymousDenialWinOverAnOlderGrantOfTheSurvivor() {
        var merged = ConsentMerge.merge(Map.of("marketing", state("marketing", true, T1, "api")),
                List.of(Map.of("marketing", state("marketing", false, T2, "event:web"))));

        assertThat(merged.get("marketing").granted()).isFalse();
        assertThat(merged.get("marketing").source()).isEqualTo("event:web");
    }

    @Test
    void shouldKeepTheSurvivorsLaterStatementOverAnOlderOneOfAMergedProfile() {
        var merged = ConsentMerge.merge(Map.of("marketing", state("marketing", true, T2, "api")),
                List.of(Map.of("marketing", state("marketing", false, T1, "event:web"))));

        assertThat(merged.get("marketing").granted()).isTrue();
    }

    @Test
    void shouldLetADenialWinATieWhicheverSideItComesFrom() {
        var fromMerged = ConsentMerge.merge(Map.of("ads", state("ads", true, T1, "api")),
                List.of(Map.of("ads", state("ads", false, T1, "event:web"))));
        var fromSurvivor = ConsentMerge.merge(Map.of("ads", state("ads", false, T1, "api")),
                List.of(Map.of("ads", state("ads", true, T1, "event:web"))));

        assertThat(fromMerged.get("ads").granted()).isFalse();
        assertThat(fromSurvivor.get("ads").granted()).isFalse();
        assertThat(fromSurvivor.get("ads").source()).isEqualTo("api");
    }

    @Test
    void shouldKeepTheSurvivorsStatementWhenATieAgrees() {
        var merged = ConsentMerge.merge(Map.of("ads", state("ads", true, T1, "api")),
                List.of(Map.of("ads", state("ads", true, T1, "event:web"))));

        assertThat(merged.get("ads").source()).isEqualTo("api");
    }

    @Test
    void shouldTakePurposesOnlyOneSideStatedAboutFromEitherSide() {
        var merged = ConsentMerge.merge(Map.of("email", state("email", true, T1, "api")),
                List.of(Map.of("sms", state("sms", false, T2, "api")), Map.of("ads", state("ads", true, T1, "api"))));

        assertThat(merged).containsOnlyKeys("ads", "email", "sms");
    }

    private static PurposeState state(String purpose, boolean granted, Instant at, String source) {
        return new PurposeState(purpose, granted, at, source, LegalBasis.consent, null);
    }
}
