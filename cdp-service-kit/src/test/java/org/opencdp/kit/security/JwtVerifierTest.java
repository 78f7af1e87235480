package org.opencdp.kit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;

class JwtVerifierTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private final JwtVerifier verifier = new JwtVerifier(new KitProperties.Security(SECRET, null, null, List.of()));

    @Test
    void shouldTurnAValidTokenIntoACallerOfItsWorkspaceWithItsScopes() {
        String token = new TokenIssuer(SECRET).issue("ws_1", "segments:read  segments:write", "alice", Duration.ofMinutes(5));

        Caller caller = verifier.verify(token);

        assertThat(caller.workspaceId()).isEqualTo("ws_1");
        assertThat(caller.subject()).isEqualTo("alice");
        assertThat(caller.scopes()).containsExactlyInAnyOrder("segments:read", "segments:write");
    }

    @Test
    void shouldRefuseATokenSignedWithAnotherSecret() {
        String token = new TokenIssuer("another-secret-another-secret-xx").issue("ws_1", "x", "a", Duration.ofMinutes(5));

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(JwtVerifier.InvalidTokenException.class);
    }

    @Test
    void shouldRefuseAnExpiredToken() {
        String token = new TokenIssuer(SECRET).issue("ws_1", "x", "a", Duration.ofMinutes(-5));

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(JwtVerifier.InvalidTokenException.class);
    }

    @Test
    void shouldRefuseGarbage() {
        assertThatThrownBy(() -> verifier.verify("a.b.c")).isInstanceOf(JwtVerifier.InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify("")).isInstanceOf(JwtVerifier.InvalidTokenException.class);
    }

    @Test
    void shouldRefuseToStartWithoutAKeyOrWithAShortSecret() {
        assertThatThrownBy(() -> new JwtVerifier(new KitProperties.Security(null, null, null, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CDP_JWT_SECRET");
        assertThatThrownBy(() -> new JwtVerifier(new KitProperties.Security("short", null, null, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32 bytes");
    }

    @Test
    void shouldRequireTheConfiguredAudience() {
        String forOpenCdp = new TokenIssuer(SECRET).issue("ws_1", "x", "a", Duration.ofMinutes(5));
        String forAnotherApi = new TokenIssuer(SECRET, null, "https://another-api.example/")
                .issue("ws_1", "x", "a", Duration.ofMinutes(5));
        var custom = new JwtVerifier(new KitProperties.Security(SECRET, null, null, "https://api.acme.example/", List.of()));

        assertThat(verifier.verify(forOpenCdp).workspaceId()).isEqualTo("ws_1");
        assertThatThrownBy(() -> verifier.verify(forAnotherApi)).isInstanceOf(JwtVerifier.InvalidTokenException.class);
        assertThatThrownBy(() -> custom.verify(forOpenCdp)).isInstanceOf(JwtVerifier.InvalidTokenException.class);
        assertThat(custom.verify(new TokenIssuer(SECRET, null, "https://api.acme.example/")
                .issue("ws_1", "x", "a", Duration.ofMinutes(5))).workspaceId()).isEqualTo("ws_1");
    }

    @Test
    void shouldRequireTheConfiguredIssuer() {
        var strict = new JwtVerifier(new KitProperties.Security(SECRET, null, "https://auth.acme.example/", List.of()));

        assertThatThrownBy(() -> strict.verify(new TokenIssuer(SECRET).issue("ws_1", "x", "a", Duration.ofMinutes(5))))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class);
        assertThat(strict.verify(new TokenIssuer(SECRET, "https://auth.acme.example/", null)
                .issue("ws_1", "x", "a", Duration.ofMinutes(5))).workspaceId()).isEqualTo("ws_1");
    }

    @Test
    void shouldRefuseAJwksWithoutAnIssuer() {
        assertThatThrownBy(() -> new JwtVerifier(new KitProperties.Security(null,
                java.net.URI.create("https://auth.acme.example/.well-known/jwks.json"), null, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CDP_KIT_SECURITY_ISSUER");
    }

    @Test
    void shouldBindTheAudienceWithItsDefault() {
        var environment = new org.springframework.mock.env.MockEnvironment().withProperty("cdp.kit.service", "x");
        var binder = org.springframework.boot.context.properties.bind.Binder.get(environment);
        KitProperties.Security defaults = binder.bindOrCreate("cdp.kit.security", KitProperties.Security.class);
        environment.setProperty("cdp.kit.security.audience", "https://api.acme.example/");
        KitProperties.Security custom = binder.bindOrCreate("cdp.kit.security", KitProperties.Security.class);

        assertThat(defaults.audience()).isEqualTo(TokenIssuer.DEFAULT_AUDIENCE);
        assertThat(custom.audience()).isEqualTo("https://api.acme.example/");
    }

    @Test
    void shouldRefuseMissingScopeWithAForbiddenProblem() {
        Caller caller = new Caller("ws_1", "a", java.util.Set.of("profiles:read"));

        assertThat(caller.require("profiles:read")).isSameAs(caller);
        assertThatThrownBy(() -> caller.require("segments:write"))
                .isInstanceOfSatisfying(CdpException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.FORBIDDEN);
                    assertThat(e.code()).isEqualTo("missing_scope");
                    assertThat(e.properties()).containsEntry("requiredScope", "segments:write");
                });
    }

    @Test
    void shouldNotIssueTokensForInvalidWorkspaceIds() {
        assertThatThrownBy(() -> new TokenIssuer(SECRET).issue("bad workspace!", "x", "a", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAcceptAnyOfSeveralScopes() {
        Caller caller = new Caller("ws_1", "a", java.util.Set.of("segments:write"));

        assertThat(caller.requireAny("segments:read", "segments:write")).isSameAs(caller);
        assertThatThrownBy(() -> caller.requireAny("profiles:read", "identity:read"))
                .isInstanceOfSatisfying(CdpException.class, e -> {
                    assertThat(e.code()).isEqualTo("missing_scope");
                    assertThat(e.properties()).containsEntry("acceptedScopes", List.of("profiles:read", "identity:read"));
                });
    }

    @Test
    void shouldSealAServiceCredentialToTheWorkspaceEachRequestNames() {
        String credential = new ServiceCredentials(SECRET, "activation").token("consent:read");

        Caller forA = verifier.verify(credential, "ws_a");
        Caller forB = verifier.verify(credential, "ws_b");

        assertThat(forA.workspaceId()).isEqualTo("ws_a");
        assertThat(forB.workspaceId()).isEqualTo("ws_b");
        assertThat(forA.subject()).isEqualTo("service:activation");
        assertThat(forA.scopes()).containsExactly("consent:read");
        assertThatThrownBy(() -> verifier.verify(credential, null))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class).hasMessageContaining("X-CDP-Workspace");
        assertThatThrownBy(() -> verifier.verify(credential, "ws a; drop"))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class).hasMessageContaining("X-CDP-Workspace");
        assertThatThrownBy(() -> verifier.verify(credential))
                .as("not a user's token").isInstanceOf(JwtVerifier.InvalidTokenException.class);
    }

    @Test
    void shouldKeepAUsersTokenInItsOwnWorkspaceWhateverTheHeaderSays() {
        String token = new TokenIssuer(SECRET).issue("ws_1", "profiles:read", "alice", Duration.ofMinutes(5));

        assertThat(verifier.verify(token, "ws_2").workspaceId()).isEqualTo("ws_1");
    }

    @Test
    void shouldVerifyServiceCredentialsWithTheirOwnSecretBesideAJwks() {
        String serviceSecret = "service-secret-service-secret-xx";
        JwtVerifier jwks = new JwtVerifier(new KitProperties.Security(null, java.net.URI.create("https://idp.example/jwks"),
                "https://idp.example/", "opencdp", List.of(), serviceSecret));

        assertThat(jwks.verify(new ServiceCredentials(serviceSecret, "activation").token("consent:read"), "ws_a")
                .workspaceId()).isEqualTo("ws_a");
        assertThatThrownBy(() -> jwks.verify(new ServiceCredentials(SECRET, "activation").token("consent:read"), "ws_a"))
                .as("signed with another secret").isInstanceOf(JwtVerifier.InvalidTokenException.class);
        assertThatThrownBy(() -> new ServiceCredentials(null, "activation").token("consent:read"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CDP_SERVICE_SECRET");
    }

    @Test
    void shouldReuseAServiceCredentialUntilHalfItsLifeIsGone() {
        ServiceCredentials credentials = new ServiceCredentials(SECRET, "activation");

        assertThat(credentials.token("consent:read")).isEqualTo(credentials.token("consent:read"));
        assertThat(credentials.token("consent:read")).isNotEqualTo(credentials.token("consent:read privacy:read"));
    }
}
