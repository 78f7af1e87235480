package org.opencdp.activation.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.JwtVerifier;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;

/**
 * Issue 16: the token activation presents to consent-service is minted by the kit's {@link
 * TokenIssuer} with the issuer and audience consent-service's verifier checks; a configured token
 * (JWKS mode) is presented only for the workspace it names.
 */
class ConsentTokensTest {

    private static final String SECRET = "consent-tokens-test-secret-0123456789abcdef";

    @Test
    void shouldMintAConsentReadTokenWithTheConfiguredIssuerAndAudienceForTheWorkspace() throws Exception {
        KitProperties.Security security = new KitProperties.Security(SECRET, null, "https://auth.example.com/",
                "cdp-production", List.of());
        ConsentTokens tokens = new ConsentTokens(activation(null), kit(security));

        Caller caller = new JwtVerifier(security).verify(tokens.tokenFor("ws_a"));

        assertThat(caller.workspaceId()).isEqualTo("ws_a");
        assertThat(caller.scopes()).containsExactly(Scopes.CONSENT_READ);
        assertThat(caller.subject()).isEqualTo("activation");
    }

    @Test
    void shouldMintTokensConsentServiceRefusesWhenItsAudienceOrIssuerDiffer() throws Exception {
        String token = new ConsentTokens(activation(null),
                kit(new KitProperties.Security(SECRET, null, "https://auth.example.com/", "cdp-production", List.of())))
                .tokenFor("ws_a");

        assertThatThrownBy(() -> new JwtVerifier(new KitProperties.Security(SECRET, null, null, List.of())).verify(token))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class);
        assertThatThrownBy(() -> new JwtVerifier(new KitProperties.Security(SECRET, null, "https://other.example.com/",
                "cdp-production", List.of())).verify(token)).isInstanceOf(JwtVerifier.InvalidTokenException.class);
    }

    @Test
    void shouldMintTheDefaultAudienceWhenNoneIsConfigured() throws Exception {
        KitProperties.Security security = new KitProperties.Security(SECRET, null, null, List.of());
        String token = new ConsentTokens(activation(null), kit(security)).tokenFor("ws_a");

        assertThat(new JwtVerifier(security).verify(token).workspaceId()).isEqualTo("ws_a");
        assertThat(com.nimbusds.jwt.JWTParser.parse(token).getJWTClaimsSet().getAudience())
                .containsExactly(TokenIssuer.DEFAULT_AUDIENCE);
    }

    @Test
    void shouldReuseAWorkspacesTokenUntilItIsDueForRenewalAndKeepWorkspacesApart() throws Exception {
        ConsentTokens tokens = new ConsentTokens(activation(null),
                kit(new KitProperties.Security(SECRET, null, null, List.of())));

        assertThat(tokens.tokenFor("ws_a")).isEqualTo(tokens.tokenFor("ws_a")).isNotEqualTo(tokens.tokenFor("ws_b"));
    }

    @Test
    void shouldPresentAConfiguredTokenOnlyForTheWorkspaceItNames() throws Exception {
        String configured = new TokenIssuer(SECRET).issue("ws_a", Scopes.CONSENT_READ, "ops", Duration.ofHours(1));
        ConsentTokens tokens = new ConsentTokens(activation(configured), kit(new KitProperties.Security(null,
                URI.create("https://auth.example.com/.well-known/jwks.json"), "https://auth.example.com/", List.of())));

        assertThat(tokens.tokenFor("ws_a")).isEqualTo(configured);
        assertThatThrownBy(() -> tokens.tokenFor("ws_b")).isInstanceOf(ConsentUnavailableException.class)
                .hasMessageContaining("another workspace");
    }

    @Test
    void shouldRefuseToStartWithAConfiguredTokenThatIsNoJwtOrNamesNoWorkspace() {
        KitProperties.Security jwks = new KitProperties.Security(null,
                URI.create("https://auth.example.com/.well-known/jwks.json"), "https://auth.example.com/", List.of());
        assertThatThrownBy(() -> new ConsentTokens(activation("opaque-token"), kit(jwks)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a JWT");

        String withoutWorkspace = new com.nimbusds.jwt.PlainJWT(new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .subject("ops").build()).serialize();
        assertThatThrownBy(() -> new ConsentTokens(activation(withoutWorkspace), kit(jwks)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("names no workspace");
    }

    @Test
    void shouldRefuseToStartWithNeitherASecretNorAToken() {
        assertThatThrownBy(() -> new ConsentTokens(activation(null), kit(new KitProperties.Security(null,
                URI.create("https://auth.example.com/.well-known/jwks.json"), "https://auth.example.com/", List.of()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CDP_ACTIVATION_CONSENT_TOKEN");
    }

    private static ActivationProperties activation(String token) {
        return new ActivationProperties(new ActivationProperties.Consent(URI.create("http://localhost:8086"), token,
                Duration.ofSeconds(5)), null, 100, Duration.ofHours(4), Duration.ofSeconds(5), Duration.ofHours(1),
                Duration.ofMillis(500), 100, Duration.ofSeconds(10), new ActivationProperties.Network(List.of()),
                new ActivationProperties.Apis(URI.create("https://graph.facebook.com/v21.0"),
                        URI.create("https://api.hubapi.com"), URI.create("https://googleads.googleapis.com/v17"),
                        URI.create("https://oauth2.googleapis.com/token")));
    }

    private static KitProperties kit(KitProperties.Security security) {
        return new KitProperties("activation", security, null, null, null, null);
    }
}
