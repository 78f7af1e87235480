package org.opencdp.activation.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
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
 *     warning. Changing it needs the old key in {@code previousEncryptionKeys} until stored credentials
 *     are re-encrypted (docs/destinations.md, "Key rotation")
 * @param previousEncryptionKeys keys destination secrets were encrypted with before, base64 of 32
 *     bytes each, used only to decrypt while the service re-encrypts every stored secret under {@code
 *     encryptionKey} ({@code CDP_ACTIVATION_PREVIOUS_ENCRYPTION_KEYS}, comma-separated). Empty by default
 * @param maxAttempts the most sends of one delivery; normally the retry window ends retries first
 * @param retryFor how long a failing delivery is retried, from its first failed send, before it goes
 *     to the dead letters with the reason ({@code CDP_ACTIVATION_RETRY_FOR}; Segment retries for 4 h)
 * @param retryBaseDelay delay after the first failed attempt; it doubles with every further one
 *     (with jitter), and a destination's {@code Retry-After} is honoured when it asks for longer
 * @param retryMaxDelay the longest backoff between two attempts (and between two consent retries)
 * @param dispatchInterval how often the dispatcher looks for due deliveries when nothing woke it
 * @param batchSize deliveries claimed per destination and dispatch round: at most this many calls to
 *     one destination are in flight per instance (a destination's next deliveries are claimed once its
 *     worker has finished)
 * @param destinationsPerRound destinations a dispatch round claims deliveries of, those waiting
 *     longest first; a round that reached it is followed by another at once
 * @param sendTimeout the total deadline of one call to a destination: connecting, sending and reading
 *     the whole answer ({@code CDP_ACTIVATION_SEND_TIMEOUT})
 * @param network which addresses destinations may reach
 * @param apis where the ad and CRM connectors find their APIs (tests point them at local stubs)
 */
@Validated
@ConfigurationProperties("cdp.activation")
public record ActivationProperties(
        @Valid @DefaultValue Consent consent,
        String encryptionKey,
        @DefaultValue List<String> previousEncryptionKeys,
        @DefaultValue("100") @Min(1) @Max(1000) int maxAttempts,
        @DefaultValue("4h") @NotNull Duration retryFor,
        @DefaultValue("5s") @NotNull Duration retryBaseDelay,
        @DefaultValue("1h") @NotNull Duration retryMaxDelay,
        @DefaultValue("500ms") @NotNull Duration dispatchInterval,
        @DefaultValue("100") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("100") @Min(1) @Max(10000) int destinationsPerRound,
        @DefaultValue("10s") @NotNull Duration sendTimeout,
        @Valid @DefaultValue Network network,
        @Valid @DefaultValue Apis apis) {

    /**
     * Base URLs of the destination APIs, each with its version where the API has one in its path.
     * The defaults name versions current in December 2026 (Marketing API v27.0, Google Ads API v26);
     * each API retires a version about a year after its release, so set a newer one here then.
     *
     * @param meta Meta's Graph API ({@code CDP_ACTIVATION_APIS_META})
     * @param hubspot HubSpot's API ({@code CDP_ACTIVATION_APIS_HUBSPOT})
     * @param googleAds the Google Ads REST API ({@code CDP_ACTIVATION_APIS_GOOGLE_ADS})
     * @param googleOauthToken Google's OAuth 2.0 token endpoint, where refresh tokens buy access
     *     tokens ({@code CDP_ACTIVATION_APIS_GOOGLE_OAUTH_TOKEN})
     */
    public record Apis(@DefaultValue("https://graph.facebook.com/v27.0") @NotNull URI meta,
                       @DefaultValue("https://api.hubapi.com") @NotNull URI hubspot,
                       @DefaultValue("https://googleads.googleapis.com/v26") @NotNull URI googleAds,
                       @DefaultValue("https://oauth2.googleapis.com/token") @NotNull URI googleOauthToken) {
    }

    /**
     * How to reach consent-service. Activation authenticates with the kit's service credential
     * ({@code cdp.kit.security.service-secret}, env {@code CDP_SERVICE_SECRET}), not a setting here
     * (docs/destinations.md).
     *
     * @param url base URL of consent-service ({@code CDP_ACTIVATION_CONSENT_URL})
     * @param timeout connect and response timeout of a decisions call
     */
    public record Consent(@DefaultValue("http://localhost:8086") @NotNull URI url,
                          @DefaultValue("5s") @NotNull Duration timeout) {
    }

    /**
     * @param allow non-public addresses destinations may reach anyway, for development: CIDR blocks
     *     ({@code 127.0.0.0/8}), addresses ({@code ::1}) or host names, comma-separated in {@code
     *     CDP_ACTIVATION_NETWORK_ALLOW}. Empty by default: public addresses only. Cloud metadata
     *     addresses (169.254.169.254, fd00:ec2::254…) are refused whatever it says.
     */
    public record Network(@DefaultValue List<String> allow) {
    }

    /**
     * How long a claimed delivery stays invisible to other dispatchers: long enough for one consent
     * call and one send, so a crashed instance's deliveries are picked up again afterwards.
     */
    public Duration lease() {
        return consent.timeout().plus(sendTimeout).plusSeconds(30);
    }
}
