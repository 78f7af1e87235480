package org.opencdp.ingestion.sources;

import java.util.UUID;

/** The source a write-key hash belongs to, and whether it takes events. */
record KeyOwner(String workspaceId, UUID sourceId, boolean enabled) {
}
