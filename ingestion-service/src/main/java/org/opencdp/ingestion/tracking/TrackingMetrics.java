package org.opencdp.ingestion.tracking;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.springframework.stereotype.Component;

/**
 * Events per source, tagged {@code source} with the source id: accepted ({@code
 * cdp.ingestion.events.accepted}), refused for breaking the Segment spec ({@code
 * cdp.ingestion.events.rejected}), blocked by the tracking plan ({@code cdp.ingestion.events.blocked})
 * and dropped as suppressed ({@code cdp.ingestion.events.suppressed}).
 */
@Component
class TrackingMetrics {

    static final String ACCEPTED = "cdp.ingestion.events.accepted";
    static final String REJECTED = "cdp.ingestion.events.rejected";
    static final String BLOCKED = "cdp.ingestion.events.blocked";
    static final String SUPPRESSED = "cdp.ingestion.events.suppressed";

    private final MeterRegistry registry;

    TrackingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void accepted(AuthenticatedSource source, int count) {
        increment(ACCEPTED, "Events acknowledged by Kafka and answered 200", source, count);
    }

    void rejected(AuthenticatedSource source, int count) {
        increment(REJECTED, "Events refused for not following the Segment spec", source, count);
    }

    /** The counts of a call whose messages Kafka acknowledged. */
    void published(CallOutcome outcome) {
        accepted(outcome.source(), outcome.accepted());
        rejected(outcome.source(), outcome.invalid());
        increment(BLOCKED, "Events refused by their source's tracking plan", outcome.source(), outcome.blocked());
        increment(SUPPRESSED, "Events dropped because a person in them is suppressed", outcome.source(),
                outcome.suppressed());
    }

    private void increment(String name, String description, AuthenticatedSource source, int count) {
        if (count > 0) {
            Counter.builder(name).description(description).tag("source", source.sourceId())
                    .register(registry).increment(count);
        }
    }
}
