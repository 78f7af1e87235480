package org.opencdp.ingestion;

import jakarta.validation.Valid;
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
 * @param retryAfter the {@code Retry-After} sent with that 503 and with 503 {@code database_unavailable}
 * @param maxEventSize the largest single event (Segment: 32 KB)
 * @param maxRequestSize the largest request body, after gzip decompression (Segment: 500 KB)
 * @param maxBatchSize the most events in one batch call
 * @param writeKeyCacheTtl how long a write-key lookup is cached; disabling or rotating a key is
 *     seen at once by the instance that made the change and within this time by the others
 * @param trackingPlanCacheTtl how long a source's compiled tracking plan (or the fact that it has
 *     none) is cached; a new plan applies at once on the instance that stored it and within this
 *     time on the others
 * @param suppressionRefreshInterval how often each instance loads suppressions stored by the others
 * @param futureEventTimeTolerance how far past the received time an event's (clock-skew corrected)
 *     time may be; a later one is set to the received time and the change recorded in the event's
 *     {@code context.opencdp.timestampAdjusted}
 * @param writeKeyGracePeriod how long a rotated write key stays valid next to its successor, so apps
 *     still sending with it lose no events; a rotation may ask for another period or none
 * @param rateLimit the default per-source rate limit
 * @param database how the Tracking API waits for PostgreSQL (issue 15)
 * @param sdk what the SDK settings endpoints tell browser and mobile SDKs
 */
@Validated
@ConfigurationProperties("cdp.ingestion")
public record IngestionProperties(
        @DefaultValue("10s") @NotNull Duration kafkaAckTimeout,
        @DefaultValue("5s") @NotNull Duration retryAfter,
        @DefaultValue("32KB") @NotNull DataSize maxEventSize,
        @DefaultValue("500KB") @NotNull DataSize maxRequestSize,
        @DefaultValue("2500") @Min(1) int maxBatchSize,
        @DefaultValue("10s") @NotNull Duration writeKeyCacheTtl,
        @DefaultValue("10s") @NotNull Duration trackingPlanCacheTtl,
        @DefaultValue("5s") @NotNull Duration suppressionRefreshInterval,
        @DefaultValue("5m") @NotNull Duration futureEventTimeTolerance,
        @DefaultValue("24h") @NotNull Duration writeKeyGracePeriod,
        @Valid @DefaultValue RateLimit rateLimit,
        @Valid @DefaultValue Database database,
        @Valid @DefaultValue Sdk sdk) {

    /**
     * Events each source may send, counted in events (a batch of 100 costs 100), as a token bucket
     * per source shared by every instance (in PostgreSQL). A source may override {@code
     * eventsPerSecond} and {@code burst}.
     *
     * @param enabled whether calls over the limit are refused (429 {@code rate_limited})
     * @param eventsPerSecond the sustained rate the bucket refills at
     * @param burst the bucket's size: how many events may arrive at once after a quiet period
     * @param lease how much refill time an instance takes from the shared bucket in PostgreSQL at once
     *     (a lease of {@code eventsPerSecond × lease} tokens, spent locally without a query)
     * @param leaseTtl how long an instance may keep leased tokens before they are dropped
     */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2000") @Min(1) int eventsPerSecond,
            @DefaultValue("10000") @Min(1) int burst,
            @DefaultValue("50ms") @NotNull Duration lease,
            @DefaultValue("1s") @NotNull Duration leaseTtl) {
    }

    /**
     * How the Tracking API's hot path waits for PostgreSQL ({@code DatabaseCircuit}): a query that
     * fails for the infrastructure or takes longer than {@code timeout} opens the circuit; while it is
     * open the hot path serves what it knows without querying, and probes again every {@code
     * retryInterval}.
     *
     * @param timeout how long a Tracking API call waits for a query (a connection included), instead
     *     of the pool's 30 s connection timeout
     * @param retryInterval how often, while the database is unreachable, one call tries it again
     */
    public record Database(
            @DefaultValue("2s") @NotNull Duration timeout,
            @DefaultValue("5s") @NotNull Duration retryInterval) {
    }

    /**
     * The SDK settings ({@code /v1/projects/{writeKey}/settings}, {@code /sourceConfig}).
     *
     * @param publicUrl where clients reach the Tracking API (e.g. {@code https://events.example.com}
     *     behind a proxy); Segment's {@code apiHost} and {@code protocol} are taken from it. Empty: the
     *     scheme and {@code Host} of each settings request
     * @param settingsMaxAge how long browsers and proxies may cache the settings
     */
    public record Sdk(
            @DefaultValue("") String publicUrl,
            @DefaultValue("5m") @NotNull Duration settingsMaxAge) {
    }
}
