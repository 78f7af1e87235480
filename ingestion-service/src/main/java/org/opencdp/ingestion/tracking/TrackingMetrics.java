package org.opencdp.ingestion.tracking;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.ingestion.ratelimit.SourceRateLimiter;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.springframework.stereotype.Component;

/**
 * Events per source (issue 17), tagged {@code source} with the source id: accepted ({@code
 * cdp.ingestion.events.accepted}: acknowledged by Kafka and answered 200) and refused ({@code
 * cdp.ingestion.events.rejected}, also tagged {@code reason}, one of the fixed set {@link Rejection}).
 * Events refused for the source's rate limit are {@code cdp.ingestion.events.rate_limited}, counted
 * by {@link SourceRateLimiter}.
 *
 * <p>The first time this instance authenticates a source, all of its series are registered at 0, so
 * that a rate or an alert on any of them has a series from the source's first call on. A refusal is
 * counted only once the source is known: a body that names its write key inside and cannot be read,
 * or one {@link TrackingBodyFilter} refuses, is not counted. A refusal before the events can be
 * counted ({@code invalid_json}, an oversized single call, an empty {@code batch}) counts one.
 */
@Component
class TrackingMetrics {

    static final String ACCEPTED = "cdp.ingestion.events.accepted";
    static final String REJECTED = "cdp.ingestion.events.rejected";

    private final MeterRegistry registry;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    TrackingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers every series of {@code source} at 0, once. */
    void seen(AuthenticatedSource source) {
        if (registered.add(source.sourceId())) {
            accepted(source);
            for (Rejection reason : Rejection.values()) {
                rejected(source, reason);
            }
            SourceRateLimiter.rateLimitedCounter(registry, source);
        }
    }

    void rejected(AuthenticatedSource source, Rejection reason, int count) {
        rejected(source, reason).increment(count);
    }

    /** The counts of a call whose messages Kafka acknowledged. */
    void published(CallOutcome outcome) {
        AuthenticatedSource source = outcome.source();
        if (outcome.accepted() > 0) {
            accepted(source).increment(outcome.accepted());
        }
        Map<Rejection, Integer> refused = new EnumMap<>(outcome.invalidByReason());
        refused.merge(Rejection.tracking_plan, outcome.blocked(), Integer::sum);
        refused.merge(Rejection.suppressed, outcome.suppressed(), Integer::sum);
        refused.forEach((reason, count) -> {
            if (count > 0) {
                rejected(source, reason, count);
            }
        });
    }

    private Counter accepted(AuthenticatedSource source) {
        return Counter.builder(ACCEPTED).description("Events acknowledged by Kafka and answered 200")
                .tag("source", source.sourceId()).register(registry);
    }

    private Counter rejected(AuthenticatedSource source, Rejection reason) {
        return Counter.builder(REJECTED).description("Events refused, by reason")
                .tag("source", source.sourceId()).tag("reason", reason.name()).register(registry);
    }
}
