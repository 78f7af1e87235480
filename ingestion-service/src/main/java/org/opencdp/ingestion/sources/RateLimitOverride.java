package org.opencdp.ingestion.sources;

/** A source's own rate limit, replacing the service-wide {@code cdp.ingestion.rate-limit.*} values. */
public record RateLimitOverride(int eventsPerSecond, int burst) {
}
