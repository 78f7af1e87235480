package org.opencdp.activation.consent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.contracts.ConsentDecisionRequest;
import org.opencdp.contracts.ConsentDecisions;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.ServiceCredentials;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks consent-service ({@code POST /v1/consent/decisions}) whether profiles may be sent to a
 * destination with the given purposes. Fails closed: any answer that is not a decision is a
 * {@link ConsentUnavailableException}, and a profile the answer leaves out gets no decision.
 *
 * <p>Every call authenticates with the kit's {@link ServiceCredentials}: one short-lived {@code
 * consent:read} credential of activation's own, signed with the platform's service secret, and the
 * delivery's workspace in {@value ServiceCredentials#WORKSPACE_HEADER}, which consent-service's kit
 * filter checks and seals the request to. One credential serves every workspace and works whoever
 * signs users' tokens (a shared secret or an identity provider's JWKS), which a token minted per
 * workspace with the JWT secret could not: in JWKS mode there is no such secret to mint with.
 */
@Component
public class ConsentClient {

    private final HttpClient http;
    private final URI decisions;
    private final Duration timeout;
    private final ServiceCredentials credentials;
    private final JsonMapper json;

    /**
     * Refuses to start without a service secret (JWKS mode without {@code CDP_SERVICE_SECRET}):
     * every delivery needs a decision, so a service that cannot ask would only pile up deliveries
     * that never leave.
     */
    ConsentClient(ActivationProperties properties, ServiceCredentials credentials, JsonMapper json) {
        if (!credentials.available()) {
            throw new IllegalStateException("activation-service cannot call consent-service without a service secret: "
                    + "set cdp.kit.security.service-secret (env CDP_SERVICE_SECRET, at least 32 bytes, the same on "
                    + "every service). With a JWKS (cdp.kit.security.jwks-uri) there is no JWT secret to fall back to");
        }
        this.credentials = credentials;
        this.timeout = properties.consent().timeout();
        this.decisions = URI.create(properties.consent().url().toString().replaceAll("/+$", "") + "/v1/consent/decisions");
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The decisions for {@code profileIds} under {@code purposes}, by profile id. Profiles the
     * answer does not cover are absent from the map: they have no decision and must not be sent.
     */
    public Map<String, ConsentDecision> decide(String workspaceId, List<String> purposes, Collection<String> profileIds)
            throws ConsentUnavailableException {
        byte[] body = json.writeValueAsBytes(new ConsentDecisionRequest(purposes, List.copyOf(profileIds), null));
        HttpRequest request = HttpRequest.newBuilder(decisions)
                .timeout(timeout)
                .header("Authorization", "Bearer " + credentials.token(Scopes.CONSENT_READ))
                .header(ServiceCredentials.WORKSPACE_HEADER, workspaceId)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ConsentUnavailableException("no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ConsentUnavailableException(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentUnavailableException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new ConsentUnavailableException("HTTP " + response.statusCode() + " from " + decisions);
        }
        return parse(response.body(), Set.copyOf(profileIds));
    }

    private Map<String, ConsentDecision> parse(String body, Set<String> asked) throws ConsentUnavailableException {
        ConsentDecisions answer;
        try {
            answer = json.readValue(body, ConsentDecisions.class);
        } catch (JacksonException e) {
            throw new ConsentUnavailableException("the decisions answer is not JSON of decisions", e);
        }
        if (answer == null || answer.decisions() == null) {
            throw new ConsentUnavailableException("the decisions answer has no 'decisions' array");
        }
        Map<String, ConsentDecision> decisions = new LinkedHashMap<>();
        for (ConsentDecisions.Decision item : answer.decisions()) {
            if (item == null || item.profileId() == null || !asked.contains(item.profileId())) {
                continue;
            }
            ConsentDecision parsed;
            if (ConsentDecisions.ALLOW.equals(item.decision()) && item.decisionId() != null
                    && !item.decisionId().isBlank()) {
                parsed = new ConsentDecision(item.profileId(), true, item.decisionId(), statuses(item));
            } else if (ConsentDecisions.DENY.equals(item.decision())) {
                parsed = new ConsentDecision(item.profileId(), false, item.decisionId(), statuses(item));
            } else {
                continue;
            }
            // should a profile come back twice, a deny wins
            decisions.merge(item.profileId(), parsed, (first, second) -> first.allowed() ? second : first);
        }
        return decisions;
    }

    private static Map<String, String> statuses(ConsentDecisions.Decision item) {
        Map<String, String> statuses = new LinkedHashMap<>();
        if (item.purposes() != null) {
            item.purposes().forEach((purpose, status) -> {
                if (purpose != null && status != null) {
                    statuses.put(purpose, status);
                }
            });
        }
        return statuses;
    }
}
