package org.opencdp.activation.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.kit.metrics.MetricsProperties;
import org.opencdp.kit.work.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What an operator asks of activation (issue 17), per destination type (the connector's type: {@code
 * webhook}, {@code meta_custom_audiences}, {@code google_ads_customer_match}, {@code hubspot}; bounded,
 * unlike a destination id):
 * <ul>
 *   <li>{@code cdp_activation_deliveries_total{outcome, destination_type}}: recorded outcomes, counted by
 *       {@link OutcomeRecorder};</li>
 *   <li>{@code cdp_activation_oldest_pending_delivery_seconds{destination_type}}: how long the oldest
 *       pending delivery (due or waiting for a retry) has waited since it was queued, 0 when none;
 *       measured every {@code cdp.kit.metrics.refresh-interval}.</li>
 * </ul>
 * Every series exists from the start at 0, so a dashboard's rate() and alerts see them before the
 * first delivery. A measurement that fails keeps the last values.
 */
@Component
class DeliveryMetrics extends BackgroundLoop {

    /** Every outcome {@link DeliveryOutcome} records. */
    static final List<String> OUTCOMES = List.of("delivered", "in_step", "blocked_by_consent", "retry", "dead",
            "postponed");

    private static final Logger log = LoggerFactory.getLogger(DeliveryMetrics.class);

    private final DeliveryRepository deliveries;
    private final Map<String, Double> oldestPending = new ConcurrentHashMap<>();
    private volatile boolean failing;

    DeliveryMetrics(DeliveryRepository deliveries, Connectors connectors, MeterRegistry meters,
                    MetricsProperties properties) {
        super("activation-metrics", properties.refreshInterval());
        this.deliveries = deliveries;
        for (String type : connectors.types()) {
            oldestPending.put(type, 0.0);
            Gauge.builder("cdp.activation.oldest.pending.delivery", oldestPending, ages -> ages.getOrDefault(type, 0.0))
                    .tag("destination_type", type).baseUnit("seconds")
                    .description("How long the oldest pending delivery of the destination type has waited (0 when none)")
                    .register(meters);
            OUTCOMES.forEach(outcome -> deliveries(meters, outcome, type));
        }
    }

    /** The counter of {@code outcome} for {@code destinationType}. */
    static Counter deliveries(MeterRegistry meters, String outcome, String destinationType) {
        return Counter.builder("cdp.activation.deliveries").tag("outcome", outcome)
                .tag("destination_type", destinationType == null ? "unknown" : destinationType)
                .description("Delivery outcomes recorded, by outcome and destination type").register(meters);
    }

    @Override
    protected boolean runRound() {
        try {
            Map<String, Double> measured = deliveries.oldestPendingAgeByType();
            oldestPending.replaceAll((type, age) -> measured.getOrDefault(type, 0.0));
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Could not measure the oldest pending deliveries (kept the last values): {}", e.toString());
            }
            failing = true;
        }
        return false;
    }
}
