package org.opencdp.consent;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
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
 *     completes (their {@code service} in {@code PrivacyCommandAcknowledged})
 */
@Validated
@ConfigurationProperties("cdp.consent")
public record ConsentProperties(
        @DefaultValue("100") @Min(1) @Max(1000) int historyLimit,
        @DefaultValue("10m") Duration futureTolerance,
        @DefaultValue("100") @Min(1) int maxPurposesPerEvent,
        @DefaultValue({"ingestion", "identity", "profile", "segmentation", "activation", "consent"}) @NotEmpty
        List<String> privacyServices) {
}
