package org.opencdp.consent;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the consent service, under {@code cdp.consent.*}.
 *
 * @param historyLimit ledger entries returned with a profile's consent, newest first
 * @param futureTolerance how far in the future an API caller's {@code occurredAt} may lie (clock
 *     skew); later times are refused, since a far-future statement would win over every real one
 * @param maxPurposesPerEvent purposes read from one event's {@code categoryPreferences}; the rest
 *     are ignored with a log line
 * @param privacyServices the services that must acknowledge a privacy command before its request
 *     completes (their {@code service} in {@code PrivacyCommandAcknowledged}): by default all six,
 *     each of which handles privacy commands ({@code CDP_CONSENT_PRIVACY_SERVICES}, comma-separated)
 * @param decisions how long stored decisions are kept
 */
@Validated
@ConfigurationProperties("cdp.consent")
public record ConsentProperties(
        @DefaultValue("100") @Min(1) @Max(1000) int historyLimit,
        @DefaultValue("10m") Duration futureTolerance,
        @DefaultValue("100") @Min(1) int maxPurposesPerEvent,
        @DefaultValue({"ingestion", "identity", "profile", "segmentation", "activation", "consent"}) @NotEmpty
        List<String> privacyServices,
        @Valid @DefaultValue Decisions decisions) {

    /**
     * Stored decisions (issue 12). Each one is kept so the decision id a delivery carries can be
     * audited; they are pruned after {@code retention} so the table does not grow without bound.
     *
     * @param retention how long a decision is kept after it was made ({@code
     *     cdp.consent.decisions.retention}, e.g. {@code 400d}). The default, 400 days, keeps a year
     *     of deliveries auditable with a month to spare for a question about the oldest of them
     *     (GDPR answers within a month), and outlasts profile-service's default event retention
     *     (365 days), so an event still stored never cites a pruned decision. A delivery older than
     *     the retention still names its decision id; reading it answers 404. Raise it to keep
     *     decisions longer.
     * @param pruneInterval time between two prune rounds when the last one found nothing more
     * @param pruneBatchSize decisions deleted per statement (each its own short transaction)
     */
    public record Decisions(@DefaultValue("400d") @DurationMin(days = 1) Duration retention,
                            @DefaultValue("1h") @DurationMin(seconds = 1) Duration pruneInterval,
                            @DefaultValue("10000") @Min(1) int pruneBatchSize) {
    }
}
