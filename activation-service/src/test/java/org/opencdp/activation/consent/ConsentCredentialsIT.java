package org.opencdp.activation.consent;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.JwtVerifier;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.ServiceCredentials;

/**
 * Issues 12 and 16: activation asks consent-service about any workspace's profiles with its own
 * service credential and the workspace in {@value ServiceCredentials#WORKSPACE_HEADER}, and
 * consent-service's kit verifier, configured from the same environment, accepts each request sealed
 * to the workspace it names: in HMAC mode, and in JWKS mode, where users' tokens come from an
 * identity provider and activation could mint none. WireMock records what {@link ConsentClient}
 * sends; the verifier is the one consent-service's filter calls with the request's two headers.
 */
class ConsentCredentialsIT {

    private static final String DECISIONS = "/v1/consent/decisions";
    private static final WireMockServer consent = new WireMockServer(options().dynamicPort());

    @BeforeAll
    static void startConsent() {
        consent.start();
    }

    @AfterAll
    static void stopConsent() {
        consent.stop();
    }

    static Stream<Arguments> modes() {
        return Stream.of(Arguments.of("HMAC", ConsentSettings.hmac()), Arguments.of("JWKS", ConsentSettings.jwks()));
    }

    @ParameterizedTest(name = "{0} mode")
    @MethodSource("modes")
    void shouldAskForEachWorkspaceWithTheServiceCredentialWhichConsentServiceSealsToThatWorkspace(
            String mode, KitProperties.Security security) throws Exception {
        ConsentClient client = new ConsentClient(ConsentSettings.activation(consent.baseUrl()),
                ConsentClientTest.credentials(security), MessageCodec.mapper());
        String profileA = "p-" + UUID.randomUUID();
        String profileB = "p-" + UUID.randomUUID();
        allows(profileA, "dec-a");
        allows(profileB, "dec-b");

        Map<String, ConsentDecision> forA = client.decide("ws_a", List.of("marketing"), List.of(profileA));
        Map<String, ConsentDecision> forB = client.decide("ws_b", List.of("marketing"), List.of(profileB));

        assertThat(forA.get(profileA).decisionId()).isEqualTo("dec-a");
        assertThat(forB.get(profileB).decisionId()).isEqualTo("dec-b");
        LoggedRequest askedA = asked(profileA);
        LoggedRequest askedB = asked(profileB);
        assertThat(askedA.getHeader(ServiceCredentials.WORKSPACE_HEADER)).isEqualTo("ws_a");
        assertThat(askedB.getHeader(ServiceCredentials.WORKSPACE_HEADER)).isEqualTo("ws_b");
        assertThat(bearer(askedA)).as("one credential for every workspace, none minted per workspace")
                .isEqualTo(bearer(askedB));

        JwtVerifier consentService = new JwtVerifier(security);
        Caller callerA = consentService.verify(bearer(askedA), askedA.getHeader(ServiceCredentials.WORKSPACE_HEADER));
        Caller callerB = consentService.verify(bearer(askedB), askedB.getHeader(ServiceCredentials.WORKSPACE_HEADER));
        assertThat(callerA.workspaceId()).isEqualTo("ws_a");
        assertThat(callerB.workspaceId()).isEqualTo("ws_b");
        assertThat(callerA.subject()).isEqualTo("service:activation");
        // the scope POST /v1/consent/decisions requires (consent-service's ConsentScopes.requireRead)
        assertThat(callerA.scopes()).containsExactly(Scopes.CONSENT_READ);
        assertThatNoException().isThrownBy(() -> callerB.require(Scopes.CONSENT_READ));
    }

    private static void allows(String profileId, String decisionId) {
        consent.stubFor(post(urlEqualTo(DECISIONS)).withRequestBody(asksAbout(profileId)).willReturn(okJson("""
                {"decisions": [{"profileId": "%s", "decision": "allow", "decisionId": "%s",
                                "purposes": {"marketing": "granted"}}]}""".formatted(profileId, decisionId))));
    }

    private static LoggedRequest asked(String profileId) {
        List<LoggedRequest> requests = consent.findAll(postRequestedFor(urlEqualTo(DECISIONS))
                .withRequestBody(asksAbout(profileId)));
        assertThat(requests).hasSize(1);
        return requests.getFirst();
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern asksAbout(String profileId) {
        return matchingJsonPath("$.profileIds[?(@ == '" + profileId + "')]");
    }

    private static String bearer(LoggedRequest request) {
        String authorization = request.getHeader("Authorization");
        assertThat(authorization).startsWith("Bearer ");
        return authorization.substring("Bearer ".length());
    }
}
