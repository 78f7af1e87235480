package org.opencdp.kit.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.opencdp.kit.work.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Measures, every {@code cdp.kit.metrics.refresh-interval}, what an operator asks first about a
 * service ("is it keeping up?"), and exports it as gauges tagged with the service:
 * <ul>
 *   <li>{@code cdp_consumer_lag{service, topic}}: records on the topic not yet consumed by the
 *       service's consumer groups (end offsets minus committed offsets, summed over partitions; see
 *       {@link ConsumerLag});</li>
 *   <li>{@code cdp_outbox_backlog{service}}: outbox rows not yet published;</li>
 *   <li>{@code cdp_outbox_oldest_age_seconds{service}}: how long the oldest of them has waited (0 when
 *       none);</li>
 *   <li>{@code cdp_outbox_parked_rows{service}}: rows Kafka refused for good, waiting in {@code
 *       outbox_parked} for an operator.</li>
 * </ul>
 * A measurement that fails (the database or Kafka away) keeps the last values and is retried on the
 * next round.
 */
public class OperationalMetrics extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(OperationalMetrics.class);

    private final JdbcTemplate jdbc;
    private final ConsumerLag lag;
    private final MultiGauge lagGauge;
    private final Tags serviceTag;
    private final AtomicReference<Outbox> outbox = new AtomicReference<>(new Outbox(0, 0, 0));
    private volatile boolean lagFailing;
    private volatile boolean outboxFailing;

    public OperationalMetrics(String service, JdbcTemplate jdbc, ConsumerLag lag, MeterRegistry meters,
                              MetricsProperties properties) {
        super("cdp-metrics", properties.refreshInterval());
        this.jdbc = jdbc;
        this.lag = lag;
        this.serviceTag = Tags.of("service", service);
        this.lagGauge = MultiGauge.builder("cdp.consumer.lag")
                .description("Records on the topic not yet consumed by the service (end offsets minus committed offsets)")
                .register(meters);
        Gauge.builder("cdp.outbox.backlog", outbox, o -> o.get().rows()).tags(serviceTag)
                .description("Outbox rows not yet published to Kafka").register(meters);
        Gauge.builder("cdp.outbox.oldest.age", outbox, o -> o.get().oldestAgeSeconds()).tags(serviceTag)
                .description("How long the oldest unpublished outbox row has waited (0 when none)")
                .baseUnit("seconds").register(meters);
        Gauge.builder("cdp.outbox.parked.rows", outbox, o -> o.get().parked()).tags(serviceTag)
                .description("Outbox rows Kafka refused for good, waiting in outbox_parked").register(meters);
    }

    @Override
    protected boolean runRound() {
        refresh();
        return false;
    }

    /** Measures once. */
    public void refresh() {
        try {
            outbox.set(jdbc.queryForObject("""
                    SELECT (SELECT count(*) FROM outbox),
                           (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox),
                           (SELECT count(*) FROM outbox_parked)""",
                    (rs, i) -> new Outbox(rs.getLong(1), rs.getDouble(2), rs.getLong(3))));
            outboxFailing = false;
        } catch (RuntimeException e) {
            if (!outboxFailing) {
                log.warn("Cannot measure the outbox backlog, keeping the last values: {}", e.toString());
            }
            outboxFailing = true;
        }
        try {
            Map<String, Long> byTopic = lag.byTopic();
            List<MultiGauge.Row<?>> rows = new ArrayList<>(byTopic.size());
            byTopic.forEach((topic, records) -> rows.add(MultiGauge.Row.of(serviceTag.and("topic", topic), records)));
            lagGauge.register(rows, true);
            lagFailing = false;
        } catch (RuntimeException e) {
            if (!lagFailing) {
                log.warn("Cannot measure consumer lag, keeping the last values: {}", e.toString());
            }
            lagFailing = true;
        }
    }

    private record Outbox(long rows, double oldestAgeSeconds, long parked) {
    }
}
