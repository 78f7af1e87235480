package org.opencdp.e2e.platform;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Bearer tokens for the platform's HS256 secret, minted with nimbus-jose-jwt: good ones, carrying
 * the issuer the platform is configured to require ({@link #ISSUER}) and an audience, and each kind
 * of bad one a service must refuse with 401.
 */
public final class Tokens {

    /** What the platform under test is told to require in {@code iss} ({@code cdp.kit.security.issuer}). */
    public static final String ISSUER = "https://auth.e2e.opencdp.test/";
    /** What the platform under test is told to require in {@code aud} ({@code cdp.kit.security.audience}). */
    public static final String AUDIENCE = "https://api.e2e.opencdp.test/";

    /** A way a token can be bad, with the problem code the kit answers it with. */
    public enum Bad {
        NO_TOKEN("no token", "missing_token"),
        EXPIRED("an expired token", "invalid_token"),
        NOT_YET_VALID("a not-yet-valid token (nbf in 10 minutes)", "invalid_token"),
        WRONG_SIGNATURE("a token signed with another secret", "invalid_token"),
        ALG_NONE("an unsigned token (alg: none)", "invalid_token"),
        WRONG_AUDIENCE("a token for another audience", "invalid_token"),
        WRONG_ISSUER("a token from another issuer", "invalid_token"),
        NO_ISSUER("a token without an issuer", "invalid_token");

        public final String description;
        public final String code;

        Bad(String description, String code) {
            this.description = description;
            this.code = code;
        }
    }

    private final byte[] secret;

    public Tokens(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** A good token for {@code workspaceId} with the space-separated {@code scopes}. */
    public String valid(String workspaceId, String scopes) {
        return sign(claims(workspaceId, scopes).build(), secret);
    }

    /** A token for {@code workspaceId} and {@code scopes} that is bad in the way {@code bad} says; null for {@link Bad#NO_TOKEN}. */
    public String bad(Bad bad, String workspaceId, String scopes) {
        Instant now = Instant.now();
        return switch (bad) {
            case NO_TOKEN -> null;
            case EXPIRED -> sign(claims(workspaceId, scopes, builder -> builder
                    .issueTime(Date.from(now.minus(Duration.ofHours(2))))
                    .expirationTime(Date.from(now.minus(Duration.ofMinutes(10))))), secret);
            case NOT_YET_VALID -> sign(claims(workspaceId, scopes, builder -> builder
                    .notBeforeTime(Date.from(now.plus(Duration.ofMinutes(10))))
                    .expirationTime(Date.from(now.plus(Duration.ofHours(1))))), secret);
            case WRONG_SIGNATURE -> sign(claims(workspaceId, scopes).build(),
                    ("not-the-platform-secret-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
            case ALG_NONE -> new PlainJWT(claims(workspaceId, scopes).build()).serialize();
            case WRONG_AUDIENCE -> sign(claims(workspaceId, scopes, builder -> builder
                    .audience("https://another-api.example/")), secret);
            case WRONG_ISSUER -> sign(claims(workspaceId, scopes, builder -> builder
                    .issuer("https://attacker.example/")), secret);
            case NO_ISSUER -> sign(claims(workspaceId, scopes, builder -> builder.issuer(null)), secret);
        };
    }

    private static JWTClaimsSet claims(String workspaceId, String scopes, UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(claims(workspaceId, scopes)).build();
    }

    private static JWTClaimsSet.Builder claims(String workspaceId, String scopes) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("e2e-tenant-isolation")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .claim("ws", workspaceId)
                .claim("scope", scopes);
    }

    private static String sign(JWTClaimsSet claims, byte[] key) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign a test token", e);
        }
        return jwt.serialize();
    }
}
