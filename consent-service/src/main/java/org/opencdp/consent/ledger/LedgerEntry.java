package org.opencdp.consent.ledger;

import java.time.Instant;
import java.util.UUID;

/**
 * One recorded statement, as the ledger keeps it.
 *
 * @param profileId the profile it was stated about (after a merge, possibly one merged into the survivor)
 */
public record LedgerEntry(UUID id, String purpose, boolean granted, String source, LegalBasis legalBasis,
                          String jurisdiction, Instant occurredAt, Instant recordedAt, UUID eventMessageId,
                          String profileId) {
}
