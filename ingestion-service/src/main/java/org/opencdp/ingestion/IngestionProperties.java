package org.opencdp.ingestion;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingestion service, under {@code cdp.ingestion.*}; each can be overridden by an
 * environment variable ({@code CDP_INGESTION_KAFKA_ACK_TIMEOUT=5s}, …).
 *
 * @param kafkaAckTimeout how long a Tracking API call waits for Kafka to acknowledge its events
 *     before answering 503 {@code kafka_unavailable}
 * @param retryAfter the {@code Retry-After} sent with that 503
 * @param maxEventSize the largest single event (Segment: 32 KB)
 * @param maxRequestSize the largest request body, after gzip decompression (Segment: 500 KB)
 * @param maxBatchSize the most events in one batch call
 * @param writeKeyCacheTtl how long a write-key lookup is cached; disabling or rotating a key is
 *     seen at once by the instance that made the change and within this time by the others
 */
@Validated
@ConfigurationProperties("cdp.ingestion")
public record IngestionProperties(
        @DefaultValue("10s") @NotNull Duration kafkaAckTimeout,
        @DefaultValue("5s") @NotNull Duration retryAfter,
        @DefaultValue("32KB") @NotNull DataSize maxEventSize,
        @DefaultValue("500KB") @NotNull DataSize maxRequestSize,
        @DefaultValue("2500") @Min(1) int maxBatchSize,
        @DefaultValue("10s") @NotNull Duration writeKeyCacheTtl) {
}
