package org.opencdp.consent.ledger;

import java.time.Instant;

/** A profile's current consent for one purpose: the statement with the latest event time. */
public record PurposeState(String purpose, boolean granted, Instant occurredAt, String source,
                           LegalBasis legalBasis, String jurisdiction) {
}
