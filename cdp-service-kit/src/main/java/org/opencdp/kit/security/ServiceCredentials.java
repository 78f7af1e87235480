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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credential one service calls another's API with, for any workspace: a short-lived HS256 token
 * signed with the platform's service secret ({@code cdp.kit.security.service-secret}, else the JWT
 * secret in local mode), naming the calling service and the scopes it uses, and no workspace. Each
 * request names its workspace in {@value #WORKSPACE_HEADER}; the receiving service's {@link
 * JwtVerifier} checks the token and the header on every request and seals the request to that
 * workspace like a user's token. Unlike a user's token it works whatever issues those (a JWKS in
 * production), and one credential serves every workspace.
 */
public final class ServiceCredentials {

    /** The header a request with a service credential names its workspace in. */
    public static final String WORKSPACE_HEADER = "X-CDP-Workspace";
    /** {@code iss} and {@code aud} of service credentials: never a user token's. */
    static final String ISSUER = "opencdp:services";
    static final String AUDIENCE = "opencdp:services";
    /** How the subject of a service credential begins ({@code service:activation}). */
    static final String SUBJECT_PREFIX = "service:";
    /** The claim naming the calling service. */
    static final String SERVICE_CLAIM = "svc";

    private static final Duration TTL = Duration.ofMinutes(10);

    private final byte[] secret;
    private final String service;
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    /**
     * @param secret the service secret; null when none is configured ({@link #token} then says what to set)
     * @param service the calling service's name ({@code cdp.kit.service})
     */
    public ServiceCredentials(String secret, String service) {
        this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.service = service;
        if (this.secret != null && this.secret.length < 32) {
            throw new IllegalStateException("cdp.kit.security.service-secret (CDP_SERVICE_SECRET) must be at least 32 bytes");
        }
    }

    /** Whether a service secret is configured. */
    public boolean available() {
        return secret != null;
    }

    /**
     * A bearer token for calls with the space-separated {@code scopes}, valid for minutes and reused
     * until half its life is gone. The request must also carry {@value #WORKSPACE_HEADER}.
     */
    public String token(String scopes) {
        if (secret == null) {
            throw new IllegalStateException("No service secret: set cdp.kit.security.service-secret (env "
                    + "CDP_SERVICE_SECRET, at least 32 bytes, the same on every service) so services can call each other");
        }
        Instant now = Instant.now();
        Issued current = issued.get(scopes);
        if (current == null || now.isAfter(current.renewAt())) {
            current = new Issued(sign(scopes, now), now.plus(TTL.dividedBy(2)));
            issued.put(scopes, current);
        }
        return current.token();
    }

    private String sign(String scopes, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(SUBJECT_PREFIX + service)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(TTL)))
                .claim(SERVICE_CLAIM, service)
                .claim("scope", scopes)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign the service credential", e);
        }
        return jwt.serialize();
    }

    private record Issued(String token, Instant renewAt) {
    }
}
