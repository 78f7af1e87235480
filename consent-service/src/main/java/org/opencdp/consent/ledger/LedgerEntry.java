package org.opencdp.consent.ledger;

import java.time.Instant;
import java.util.UUID;

/** One recorded statement, as the ledger keeps it. */
public record LedgerEntry(UUID id, String purpose, boolean granted, String source, LegalBasis legalBasis,
                          String jurisdiction, Instant occurredAt, Instant recordedAt, UUID eventMessageId) {
}
