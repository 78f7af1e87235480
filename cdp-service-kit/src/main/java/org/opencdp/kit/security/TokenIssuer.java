package org.opencdp.kit.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Issues HS256 bearer tokens for the local secret: used by {@code ./cdp token}, by tests and by
 * services that call each other in local mode.
 */
public class TokenIssuer {

    /** The audience services expect unless {@code cdp.kit.security.audience} says otherwise. */
    public static final String DEFAULT_AUDIENCE = "opencdp";

    private final byte[] secret;
    private final String issuer;
    private final String audience;

    /** Tokens for services with the default audience and no issuer setting (local mode). */
    public TokenIssuer(String secret) {
        this(secret, null, DEFAULT_AUDIENCE);
    }

    /** Tokens naming {@code issuer} (may be null) and {@code audience}, as services configured with them expect. */
    public TokenIssuer(String secret, String issuer, String audience) {
        this.issuer = issuer == null || issuer.isBlank() ? null : issuer;
        this.audience = audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : audience;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        if (this.secret.length < 32) {
            throw new IllegalArgumentException("The JWT secret must be at least 32 bytes");
        }
    }

    /** A token for {@code workspaceId} with the space-separated {@code scopes}, valid for {@code ttl}. */
    public String issue(String workspaceId, String scopes, String subject, Duration ttl) {
        if (!JwtVerifier.WORKSPACE_ID.matcher(workspaceId).matches()) {
            throw new IllegalArgumentException("Workspace ids are letters, digits, '_' and '-', at most 64: " + workspaceId);
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(issuer)
                .audience(audience)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("ws", workspaceId)
                .claim("scope", scopes)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign the token", e);
        }
        return jwt.serialize();
    }
}
