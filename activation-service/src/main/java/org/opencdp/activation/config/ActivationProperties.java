package org.opencdp.activation.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The activation service's settings, under {@code cdp.activation.*}. Every one has a default that
 * works locally and can be overridden by the environment ({@code CDP_ACTIVATION_MAX_ATTEMPTS}, …).
 *
 * @param consent how to reach consent-service, which decides every delivery
 * @param encryptionKey base64 of the 32-byte AES-256 key destination secrets are encrypted with
 *     ({@code CDP_ACTIVATION_ENCRYPTION_KEY}); when blank it is derived from the JWT secret, with a
 *     warning
 * @param maxAttempts send attempts before a delivery goes to the dead letters
 * @param retryBaseDelay delay after the first failed attempt; it doubles with every further one
 * @param retryMaxDelay the longest delay between two attempts (and between two consent retries)
 * @param dispatchInterval how often the dispatcher looks for due deliveries when nothing woke it
 * @param batchSize deliveries claimed per dispatch round
 * @param webhookTimeout connect and response timeout of a webhook call
 */
@Validated
@ConfigurationProperties("cdp.activation")
public record ActivationProperties(
        @Valid @DefaultValue Consent consent,
        String encryptionKey,
        @DefaultValue("8") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("5s") @NotNull Duration retryBaseDelay,
        @DefaultValue("1h") @NotNull Duration retryMaxDelay,
        @DefaultValue("500ms") @NotNull Duration dispatchInterval,
        @DefaultValue("100") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("10s") @NotNull Duration webhookTimeout) {

    /**
     * @param url base URL of consent-service ({@code CDP_CONSENT_URL})
     * @param token bearer token for consent-service; when blank, one is signed per workspace with
     *     {@code cdp.kit.security.jwt-secret} (scope {@code consent:read})
     * @param timeout connect and response timeout of a decisions call
     */
    public record Consent(@DefaultValue("http://localhost:8086") @NotNull URI url,
                          String token,
                          @DefaultValue("5s") @NotNull Duration timeout) {
    }

    /**
     * How long a claimed delivery stays invisible to other dispatchers: long enough for one consent
     * call and one send, so a crashed instance's deliveries are picked up again afterwards.
     */
    public Duration lease() {
        return consent.timeout().plus(webhookTimeout).plusSeconds(30);
    }
}
