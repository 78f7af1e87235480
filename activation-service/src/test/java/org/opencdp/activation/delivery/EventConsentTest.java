package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.consent.ConsentDecision;
import org.opencdp.contracts.MessageCodec;

/** Issue 12: the event's own consent preferences combined with consent-service's recorded decision. */
class EventConsentTest {

    private static final List<String> MARKETING = List.of("marketing");
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private static ConsentDecision recorded(boolean allowed, String status) {
        return new ConsentDecision("p-1", allowed, "dec-1", status == null ? Map.of() : Map.of("marketing", status));
    }

    @Test
    void shouldBlockWhatTheEventDeniesEvenWhenConsentServiceAllows() {
        assertThat(EventConsent.judge(MARKETING, Map.of("marketing", false), recorded(true, "granted"), NOW, NOW))
                .isInstanceOf(EventConsent.Verdict.Block.class);
    }

    @Test
    void shouldPostponeAnEventGrantConsentServiceHasNotRecordedYet() {
        assertThat(EventConsent.judge(MARKETING, Map.of("marketing", true), recorded(false, "default_denied"), NOW, NOW))
                .isInstanceOf(EventConsent.Verdict.Postpone.class);
        assertThat(EventConsent.judge(MARKETING, Map.of("marketing", true), recorded(false, null), NOW, NOW))
                .isInstanceOf(EventConsent.Verdict.Postpone.class);
    }

    @Test
    void shouldStopPostponingOnceTheSettleWindowIsOver() {
        Instant queued = NOW.minus(EventConsent.SETTLE).minus(Duration.ofSeconds(1));
        assertThat(EventConsent.judge(MARKETING, Map.of("marketing", true), recorded(false, "default_denied"), queued,
                NOW)).isInstanceOf(EventConsent.Verdict.Block.class);
    }

    @Test
    void shouldLetARecordedDenialWinOverAnEventGrant() {
        assertThat(EventConsent.judge(MARKETING, Map.of("marketing", true), recorded(false, "denied"), NOW, NOW))
                .isInstanceOf(EventConsent.Verdict.Block.class);
    }

    @Test
    void shouldBlockAnEventWithoutPreferencesThatConsentServiceDenies() {
        assertThat(EventConsent.judge(MARKETING, Map.of(), recorded(false, "default_denied"), NOW, NOW))
                .isInstanceOf(EventConsent.Verdict.Block.class);
        assertThat(EventConsent.judge(MARKETING, Map.of(), recorded(true, "granted"), NOW, NOW))
                .isInstanceOf(EventConsent.Verdict.Send.class);
    }

    @Test
    void shouldReadBooleanCategoryPreferencesOnly() {
        var event = MessageCodec.mapper().readTree("""
                {"context": {"consent": {"categoryPreferences": {"marketing": true, "ads": false, "odd": "yes"}}}}""");
        assertThat(EventConsent.preferences(event)).isEqualTo(Map.of("marketing", true, "ads", false));
        assertThat(EventConsent.preferences(MessageCodec.mapper().readTree("{}"))).isEmpty();
    }
}
