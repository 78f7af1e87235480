package org.opencdp.kit.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.spec.SecretKeySpec;
import org.opencdp.kit.KitProperties;

/**
 * Verifies bearer tokens: HS256 with the configured secret (local mode), or an issuer's keys from
 * its JWKS (production, where {@code cdp.kit.security.issuer} is required). A valid token has an
 * unexpired {@code exp} (and {@code nbf}, if any, passed), {@code aud} naming
 * {@code cdp.kit.security.audience}, {@code iss} equal to the configured issuer (when one is), a
 * {@code ws} claim naming the workspace and a space-separated {@code scope}.
 */
public class JwtVerifier {

    /** Workspace ids: letters, digits, {@code _} and {@code -}, at most 64. */
    public static final Pattern WORKSPACE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    /** Service credentials ({@link ServiceCredentials}); null when no service secret is configured. */
    private final DefaultJWTProcessor<SecurityContext> services;

    public JwtVerifier(KitProperties.Security settings) {
        if (settings.jwtSecret() != null && !settings.jwtSecret().isBlank()) {
            byte[] secret = settings.jwtSecret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw new IllegalStateException("cdp.kit.security.jwt-secret (CDP_JWT_SECRET) must be at least 32 bytes");
            }
            processor.setJWSKeySelector(new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256,
                    new SecretKeySpec(secret, "HmacSHA256")));
        } else if (settings.jwksUri() != null) {
            try {
                JWKSource<SecurityContext> keys = JWKSourceBuilder.create(settings.jwksUri().toURL()).build();
                processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256,
                        JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
                        JWSAlgorithm.PS256), keys));
            } catch (MalformedURLException e) {
                throw new IllegalStateException("cdp.kit.security.jwks-uri is not a URL: " + settings.jwksUri(), e);
            }
        } else {
            throw new IllegalStateException("No token verification configured: set cdp.kit.security.jwt-secret "
                    + "(env CDP_JWT_SECRET, at least 32 bytes) or cdp.kit.security.jwks-uri (env CDP_JWKS_URI)");
        }
        boolean hasIssuer = settings.issuer() != null && !settings.issuer().isBlank();
        if (!hasIssuer && processor.getJWSKeySelector() instanceof JWSVerificationKeySelector<?>) {
            throw new IllegalStateException("cdp.kit.security.issuer (CDP_KIT_SECURITY_ISSUER) is required with a JWKS: "
                    + "without it any token the provider signs, for any application, would be accepted");
        }
        String audience = settings.audience() == null || settings.audience().isBlank()
                ? TokenIssuer.DEFAULT_AUDIENCE : settings.audience();
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (hasIssuer) {
            exact.issuer(settings.issuer());
        }
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience, exact.build(), Set.of("ws", "exp")));
        services = serviceProcessor(settings.effectiveServiceSecret());
    }

    private static DefaultJWTProcessor<SecurityContext> serviceProcessor(String serviceSecret) {
        if (serviceSecret == null) {
            return null;
        }
        byte[] secret = serviceSecret.getBytes(StandardCharsets.UTF_8);
        if (secret.length < 32) {
            throw new IllegalStateException("cdp.kit.security.service-secret (CDP_SERVICE_SECRET) must be at least 32 bytes");
        }
        DefaultJWTProcessor<SecurityContext> services = new DefaultJWTProcessor<>();
        services.setJWSKeySelector(new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256, new SecretKeySpec(secret, "HmacSHA256")));
        services.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(ServiceCredentials.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(ServiceCredentials.ISSUER).build(),
                Set.of("exp", "sub", ServiceCredentials.SERVICE_CLAIM)));
        return services;
    }

    /**
     * The caller of a request: a user's token stands for its own workspace ({@code workspaceHeader}
     * is ignored); a service credential ({@link ServiceCredentials}) stands for the workspace the
     * request names in {@value ServiceCredentials#WORKSPACE_HEADER}, which it must.
     */
    public Caller verify(String token, String workspaceHeader) {
        if (!isServiceCredential(token)) {
            return verify(token);
        }
        JWTClaimsSet claims;
        try {
            claims = services.process(token, null);
        } catch (Exception e) {
            throw new InvalidTokenException("The service credential is invalid or expired.", e);
        }
        if (workspaceHeader == null || !WORKSPACE_ID.matcher(workspaceHeader).matches()) {
            throw new InvalidTokenException("A service credential must name the workspace in the "
                    + ServiceCredentials.WORKSPACE_HEADER + " header (letters, digits, '_' and '-', at most 64).", null);
        }
        return new Caller(workspaceHeader, claims.getSubject(), scopesOf(claims));
    }

    /** Whether {@code token} claims to be a service credential (checked for real by {@link #verify(String, String)}). */
    private boolean isServiceCredential(String token) {
        if (services == null) {
            return false;
        }
        try {
            return ServiceCredentials.ISSUER.equals(com.nimbusds.jwt.JWTParser.parse(token).getJWTClaimsSet().getIssuer());
        } catch (java.text.ParseException e) {
            return false;
        }
    }

    /** The caller a token stands for; throws {@link InvalidTokenException} with a safe reason otherwise. */
    public Caller verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (Exception e) {
            throw new InvalidTokenException("The bearer token is invalid or expired.", e);
        }
        Object ws = claims.getClaim("ws");
        if (!(ws instanceof String workspace) || !WORKSPACE_ID.matcher(workspace).matches()) {
            throw new InvalidTokenException("The bearer token has no valid 'ws' (workspace) claim.", null);
        }
        return new Caller(workspace, claims.getSubject(), scopesOf(claims));
    }

    private static Set<String> scopesOf(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        return scope instanceof String value
                ? Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).collect(Collectors.toSet())
                : new HashSet<>();
    }

    /** A token that cannot be trusted. The message is safe to show the caller. */
    public static class InvalidTokenException extends RuntimeException {
        InvalidTokenException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
