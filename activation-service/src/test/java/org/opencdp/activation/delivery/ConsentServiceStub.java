package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * consent-service's {@code POST /v1/consent/decisions} on WireMock, answering per profile (each
 * test uses its own profile, so tests do not see each other's answers).
 */
final class ConsentServiceStub {

    private static final String DECISIONS = "/v1/consent/decisions";

    private final WireMockServer server;

    ConsentServiceStub(WireMockServer server) {
        this.server = server;
    }

    /** Decides {@code allow} or {@code deny} for {@code profileId} with this decision id. */
    StubMapping decides(String profileId, String decision, String decisionId) {
        return answers(profileId, okJson("""
                {"decisions": [{"profileId": "%s", "decision": "%s", "decisionId": "%s",
                                "purposes": {"marketing": "%s"}}]}"""
                .formatted(profileId, decision, decisionId, decision.equals("allow") ? "granted" : "denied")));
    }

    /** Decides {@code decision} for {@code profileId}, answering {@code status} for {@code marketing}. */
    StubMapping decides(String profileId, String decision, String decisionId, String status) {
        return answers(profileId, okJson("""
                {"decisions": [{"profileId": "%s", "decision": "%s", "decisionId": "%s",
                                "purposes": {"marketing": "%s"}}]}"""
                .formatted(profileId, decision, decisionId, status)));
    }

    /** Answers any question about {@code profileId} with {@code response}. */
    StubMapping answers(String profileId, ResponseDefinitionBuilder response) {
        return server.stubFor(post(urlEqualTo(DECISIONS)).withRequestBody(asksAbout(profileId)).willReturn(response));
    }

    /** The questions asked about {@code profileId}, oldest first. */
    List<LoggedRequest> requests(String profileId) {
        return server.findAll(postRequestedFor(urlEqualTo(DECISIONS)).withRequestBody(asksAbout(profileId)));
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern asksAbout(String profileId) {
        return matchingJsonPath("$.profileIds[?(@ == '" + profileId + "')]");
    }
}
