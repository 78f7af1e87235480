package org.opencdp.activation.consent;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.springframework.stereotype.Component;

/**
 * The bearer token activation presents to consent-service: {@code cdp.activation.consent.token}
 * when set, otherwise a short-lived {@code consent:read} token for the delivery's workspace signed
 * with the shared local secret.
 */
@Component
class ConsentTokens {

    private static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(2);

    private final String fixedToken;
    private final TokenIssuer issuer;
    private final Map<String, Issued> cache = new ConcurrentHashMap<>();

    ConsentTokens(ActivationProperties properties, KitProperties kit) {
        String configured = properties.consent().token();
        String secret = kit.security().jwtSecret();
        if (configured != null && !configured.isBlank()) {
            this.fixedToken = configured.trim();
            this.issuer = null;
        } else if (secret != null && !secret.isBlank()) {
            this.fixedToken = null;
            this.issuer = new TokenIssuer(secret);
        } else {
            throw new IllegalStateException("activation-service cannot authenticate to consent-service: set "
                    + "cdp.activation.consent.token (env CDP_ACTIVATION_CONSENT_TOKEN) or "
                    + "cdp.kit.security.jwt-secret (env CDP_JWT_SECRET)");
        }
    }

    String tokenFor(String workspaceId) {
        if (fixedToken != null) {
            return fixedToken;
        }
        Instant now = Instant.now();
        return cache.compute(workspaceId, (ws, issued) -> issued != null && issued.renewAt().isAfter(now) ? issued
                : new Issued(issuer.issue(ws, Scopes.CONSENT_READ, "activation", TTL), now.plus(TTL).minus(RENEW_BEFORE)))
                .token();
    }

    private record Issued(String token, Instant renewAt) {
    }
}
