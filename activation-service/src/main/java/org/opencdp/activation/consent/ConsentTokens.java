package org.opencdp.activation.consent;

import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
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
 * The bearer token activation presents to consent-service's decision API, which verifies it like
 * every management token ({@code JwtVerifier}): signature, {@code exp}, {@code aud}, {@code iss},
 * and the workspace in {@code ws}, which decides whose consent answers.
 *
 * <ul>
 *   <li>With the shared secret ({@code cdp.kit.security.jwt-secret}, HMAC mode) a short-lived
 *       {@code consent:read} token per workspace is minted with the kit's {@link TokenIssuer},
 *       naming {@code cdp.kit.security.issuer} (when set) and {@code cdp.kit.security.audience}:
 *       the settings consent-service checks, which both services take from the same environment.</li>
 *   <li>{@code cdp.activation.consent.token}, when set, is presented instead. That is the only way
 *       in JWKS mode, where no secret is shared and only the issuer can sign. Such a token names one
 *       workspace: it is presented for that workspace only, and a delivery of another workspace waits
 *       (consent unavailable) rather than being decided by another tenant's consent.</li>
 * </ul>
 */
@Component
class ConsentTokens {

    private static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(2);

    private final String fixedToken;
    private final String fixedWorkspace;
    private final TokenIssuer issuer;
    private final Map<String, Issued> cache = new ConcurrentHashMap<>();

    ConsentTokens(ActivationProperties properties, KitProperties kit) {
        String configured = properties.consent().token();
        KitProperties.Security security = kit.security();
        String secret = security.jwtSecret();
        if (configured != null && !configured.isBlank()) {
            this.fixedToken = configured.trim();
            this.fixedWorkspace = workspaceOf(fixedToken);
            this.issuer = null;
        } else if (secret != null && !secret.isBlank()) {
            this.fixedToken = null;
            this.fixedWorkspace = null;
            this.issuer = new TokenIssuer(secret, security.issuer(), security.audience());
        } else {
            throw new IllegalStateException("activation-service cannot authenticate to consent-service: set "
                    + "cdp.activation.consent.token (env CDP_ACTIVATION_CONSENT_TOKEN) or "
                    + "cdp.kit.security.jwt-secret (env CDP_JWT_SECRET)");
        }
    }

    /** The token for a decisions call about {@code workspaceId}'s profiles. */
    String tokenFor(String workspaceId) throws ConsentUnavailableException {
        if (fixedToken != null) {
            if (!fixedWorkspace.equals(workspaceId)) {
                throw new ConsentUnavailableException("cdp.activation.consent.token is a token for another workspace; "
                        + "no token for this one");
            }
            return fixedToken;
        }
        Instant now = Instant.now();
        return cache.compute(workspaceId, (ws, issued) -> issued != null && issued.renewAt().isAfter(now) ? issued
                : new Issued(issuer.issue(ws, Scopes.CONSENT_READ, "activation", TTL), now.plus(TTL).minus(RENEW_BEFORE)))
                .token();
    }

    /** The workspace a configured token names ({@code ws}); read, not verified: consent-service verifies it. */
    private static String workspaceOf(String token) {
        Object ws;
        try {
            ws = JWTParser.parse(token).getJWTClaimsSet().getClaim("ws");
        } catch (ParseException e) {
            throw new IllegalStateException("cdp.activation.consent.token (CDP_ACTIVATION_CONSENT_TOKEN) is not a JWT; "
                    + "consent-service accepts only tokens its verifier can check", e);
        }
        if (!(ws instanceof String workspace) || workspace.isBlank()) {
            throw new IllegalStateException("cdp.activation.consent.token (CDP_ACTIVATION_CONSENT_TOKEN) names no "
                    + "workspace ('ws' claim); consent-service would refuse it");
        }
        return workspace;
    }

    private record Issued(String token, Instant renewAt) {
    }
}
