package org.opencdp.ingestion.tracking;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.springframework.stereotype.Component;

/**
 * Events accepted ({@code cdp.ingestion.events.accepted}) and rejected ({@code
 * cdp.ingestion.events.rejected}) per source, tagged {@code source} with the source id.
 */
@Component
class TrackingMetrics {

    static final String ACCEPTED = "cdp.ingestion.events.accepted";
    static final String REJECTED = "cdp.ingestion.events.rejected";

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

    private void increment(String name, String description, AuthenticatedSource source, int count) {
        if (count > 0) {
            Counter.builder(name).description(description).tag("source", source.sourceId())
                    .register(registry).increment(count);
        }
    }
}
