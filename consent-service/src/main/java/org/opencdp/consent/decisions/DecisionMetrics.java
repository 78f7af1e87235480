package org.opencdp.consent.decisions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.opencdp.consent.AfterCommit;
import org.opencdp.consent.decisions.DecisionRule.Decision;
import org.springframework.stereotype.Component;

/**
 * {@code cdp_consent_decisions_total{outcome=allow|deny}} (issue 17): what consent answered
 * activation. Both series exist from start-up at 0, so a rate or an alert on {@code deny} has a
 * series before the first denial. A request of up to 1,000 profiles adds to each counter once,
 * after its decisions are stored, rather than once per decision.
 */
@Component
class DecisionMetrics {

    private final Counter allowed;
    private final Counter denied;

    DecisionMetrics(MeterRegistry meters) {
        this.allowed = counter(meters, Decision.allow);
        this.denied = counter(meters, Decision.deny);
    }

    private static Counter counter(MeterRegistry meters, Decision outcome) {
        return Counter.builder("cdp.consent.decisions").tag("outcome", outcome.name())
                .description("Consent decisions handed out (and stored), by outcome").register(meters);
    }

    /** Counts one request's decisions once its transaction has committed. */
    void decided(int allow, int deny) {
        AfterCommit.run(() -> {
            allowed.increment(allow);
            denied.increment(deny);
        });
    }
}
