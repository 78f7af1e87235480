package org.opencdp.consent.privacy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.opencdp.consent.AfterCommit;
import org.springframework.stereotype.Component;

/**
 * {@code cdp_consent_privacy_requests_total{type,status}} (issue 17): privacy requests {@code
 * created}, and requests that became {@code completed} or {@code failed}. The tags are the four
 * types and three statuses only (never a workspace or request id), and all twelve series exist from
 * start-up at 0. Created minus completed and failed is roughly what is still open; a failed request
 * that completes when its service retries counts once under each. A request asked again while
 * open is the same request and is not counted again.
 */
@Component
class PrivacyRequestMetrics {

    static final String CREATED = "created";

    private final Map<PrivacyRequestType, Map<String, Counter>> counters = new EnumMap<>(PrivacyRequestType.class);

    PrivacyRequestMetrics(MeterRegistry meters) {
        for (PrivacyRequestType type : PrivacyRequestType.values()) {
            Map<String, Counter> byStatus = new HashMap<>();
            for (String status : new String[] {CREATED, PrivacyStatus.completed.name(), PrivacyStatus.failed.name()}) {
                byStatus.put(status, Counter.builder("cdp.consent.privacy.requests").tag("type", type.name())
                        .tag("status", status).description("Privacy requests created, completed and failed")
                        .register(meters));
            }
            counters.put(type, Map.copyOf(byStatus));
        }
    }

    /** Counts a new request once its transaction has committed. */
    void created(PrivacyRequestType type) {
        count(type, CREATED);
    }

    /** Counts a request that became {@code completed} or {@code failed}, once that has committed. */
    void finished(PrivacyRequestType type, PrivacyStatus status) {
        if (!status.finished()) {
            throw new IllegalArgumentException("Not a finished status: " + status);
        }
        count(type, status.name());
    }

    private void count(PrivacyRequestType type, String status) {
        Counter counter = counters.get(type).get(status);
        AfterCommit.run(counter::increment);
    }
}
