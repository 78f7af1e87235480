package org.opencdp.ingestion.sources;

/** An enabled source a Tracking API call proved it may write to, and the workspace it belongs to. */
public record AuthenticatedSource(String workspaceId, String sourceId) {
}
