package org.opencdp.ingestion.sources;

/**
 * An enabled source a Tracking API call proved it may write to, the workspace it belongs to, and
 * its own rate limit ({@code null}: the service-wide default).
 */
public record AuthenticatedSource(String workspaceId, String sourceId, RateLimitOverride rateLimit) {
}
