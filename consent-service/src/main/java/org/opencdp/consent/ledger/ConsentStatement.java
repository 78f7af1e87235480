package org.opencdp.consent.ledger;

import java.time.Instant;
import java.util.UUID;

/**
 * One statement to record: a purpose granted or denied at a time, by a source.
 *
 * @param source who stated it: {@code api}, {@code event:<sourceId>}, or what an API caller named
 * @param jurisdiction where it was stated (upper-case code), if known
 * @param occurredAt when the person stated it (event time: the latest statement wins)
 * @param eventMessageId the resolved event it came from, if any
 */
public record ConsentStatement(String purpose, boolean granted, String source, LegalBasis legalBasis,
                               String jurisdiction, Instant occurredAt, UUID eventMessageId) {
}
