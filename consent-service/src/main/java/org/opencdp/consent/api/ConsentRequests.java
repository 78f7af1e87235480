package org.opencdp.consent.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.consent.ledger.LegalBasis;

/** The bodies of {@code PUT /v1/consent} and {@code GET /v1/profiles/{id}/consent}. */
final class ConsentRequests {

    /**
     * {@code PUT /v1/consent}: the subject (exactly one of {@code profileId} and {@code identifier})
     * and its purposes, each {@code granted} or {@code denied}.
     *
     * @param source who states it (default {@code api})
     * @param legalBasis {@code consent} (default), {@code legitimate_interest}, {@code contract} or
     *     {@code legal_obligation}
     * @param jurisdiction where it was stated ({@code EU}, {@code US-CA}), if known
     * @param occurredAt when the person stated it (default now); the latest statement wins
     */
    record PutConsentRequest(
            @Size(max = 200) String profileId,
            @Valid IdentifierRequest identifier,
            @NotEmpty @Size(max = 100) Map<String, String> purposes,
            @Size(max = 200) String source,
            @Pattern(regexp = LegalBasis.WIRE_NAMES, message = "must be one of " + LegalBasis.WIRE_NAMES)
            String legalBasis,
            String jurisdiction,
            Instant occurredAt) {
    }

    record IdentifierRequest(@NotBlank @Size(max = 64) String type, @NotBlank @Size(max = 1024) String value) {
    }

    /** A profile's consent: its current state per purpose and its ledger, newest first. */
    record ProfileConsentResponse(String profileId, Map<String, PurposeStateResponse> purposes,
                                  List<HistoryEntryResponse> history) {
    }

    record PurposeStateResponse(boolean granted, Instant occurredAt, String source, String legalBasis,
                                String jurisdiction) {
    }

    /** One ledger entry; {@code profileId} is the profile it was stated about (one merged into this one, maybe). */
    record HistoryEntryResponse(UUID id, String purpose, boolean granted, String source, String legalBasis,
                                String jurisdiction, Instant occurredAt, Instant recordedAt, UUID eventMessageId,
                                String profileId) {
    }

    private ConsentRequests() {
    }
}
