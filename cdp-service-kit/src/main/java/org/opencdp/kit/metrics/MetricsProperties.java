package org.opencdp.kit.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The kit's operational metrics, under {@code cdp.kit.metrics.*}.
 *
 * @param refreshInterval how often consumer lag and the outbox backlog are measured (one query to
 *     the outbox, three admin calls to Kafka per consumer group)
 */
@ConfigurationProperties("cdp.kit.metrics")
public record MetricsProperties(@DefaultValue("15s") Duration refreshInterval) {
}
