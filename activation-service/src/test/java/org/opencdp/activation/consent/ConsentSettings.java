package org.opencdp.activation.consent;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.KitProperties;

/**
 * The settings the consent tests run activation and consent-service with: the two modes a platform
 * runs in, which both services read from the same environment.
 */
final class ConsentSettings {

    static final String JWT_SECRET = "consent-credentials-jwt-secret-0123456789abcdef";
    static final String SERVICE_SECRET = "consent-credentials-service-secret-0123456789ab";
    static final URI JWKS_URI = URI.create("https://idp.example/.well-known/jwks.json");
    static final String ISSUER = "https://idp.example/";

    /** HMAC mode: {@code CDP_JWT_SECRET} only, which serves as the service secret too. */
    static KitProperties.Security hmac() {
        return new KitProperties.Security(JWT_SECRET, null, null, List.of());
    }

    /** JWKS mode: users' tokens from an identity provider, {@code CDP_SERVICE_SECRET} for services. */
    static KitProperties.Security jwks() {
        return new KitProperties.Security(null, JWKS_URI, ISSUER, "opencdp", List.of(), SERVICE_SECRET);
    }

    /** JWKS mode with no {@code CDP_SERVICE_SECRET}: services have nothing to sign with. */
    static KitProperties.Security jwksWithoutServiceSecret() {
        return new KitProperties.Security(null, JWKS_URI, ISSUER, List.of());
    }

    /** Activation's settings with consent-service at {@code consentUrl}. */
    static ActivationProperties activation(String consentUrl) {
        return new ActivationProperties(new ActivationProperties.Consent(URI.create(consentUrl), Duration.ofSeconds(5)),
                null, List.of(), 100, Duration.ofHours(4), Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofMillis(500), 100, 100,
                Duration.ofSeconds(10), new ActivationProperties.Network(List.of()),
                new ActivationProperties.Apis(URI.create("https://graph.facebook.com/v27.0"),
                        URI.create("https://api.hubapi.com"), URI.create("https://googleads.googleapis.com/v26"),
                        URI.create("https://oauth2.googleapis.com/token")));
    }

    private ConsentSettings() {
    }
}
