package org.opencdp.segmentation.eventtrait;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.ServiceCredentials;
import org.opencdp.segmentation.SegmentationProperties;
import org.opencdp.segmentation.condition.EventCondition;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates, reads and deletes the hidden computed traits of {@code event} nodes in profile-service
 * ({@code /v1/computed-traits}), with the kit's {@link ServiceCredentials} ({@code profiles:write}) and
 * the workspace in {@value ServiceCredentials#WORKSPACE_HEADER}, as activation calls consent-service.
 * Every answer that is not the expected one is a {@link ProfileUnavailableException}.
 */
@Component
public class ProfileTraitsClient {

    private final HttpClient http;
    private final String base;
    private final Duration timeout;
    private final ServiceCredentials credentials;
    private final JsonMapper json;

    ProfileTraitsClient(SegmentationProperties properties, ServiceCredentials credentials, JsonMapper json) {
        this.credentials = credentials;
        this.timeout = properties.profile().timeout();
        this.base = properties.profile().url().toString().replaceAll("/+$", "") + "/v1/computed-traits";
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Makes sure the node's hidden trait exists (creating it, a {@code count} of the event with its
     * {@code where} and window, when it does not) and answers its state. The key is derived from the
     * definition, so "exists" (409) means "exists with this definition", unless it is being deleted
     * there ({@code deleting}: create it again later).
     */
    public HiddenTraitState ensure(String workspaceId, EventCondition event) throws ProfileUnavailableException {
        ObjectNode body = event.traitDefinition();
        body.put("key", event.hiddenTrait());
        String name = "segment event: " + event.event();
        body.put("name", name.length() > 200 ? name.substring(0, 200) : name);
        body.put("aggregation", "count");
        body.put("hidden", true);
        HttpResponse<String> created = send(request(workspaceId, URI.create(base))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build());
        if (created.statusCode() == 201) {
            return state(created);
        }
        if (created.statusCode() != 409) {
            throw unexpected(created);
        }
        HttpResponse<String> existing = send(request(workspaceId, uri(event.hiddenTrait())).GET().build());
        if (existing.statusCode() == 404) {
            return new HiddenTraitState(event.hiddenTrait(), HiddenTraitState.DELETING, 0, 0);
        }
        if (existing.statusCode() != 200) {
            throw unexpected(existing);
        }
        return state(existing);
    }

    /** The state of a hidden trait; {@code missing} when profile-service has none (or is deleting it). */
    public HiddenTraitState find(String workspaceId, String key) throws ProfileUnavailableException {
        HttpResponse<String> existing = send(request(workspaceId, uri(key)).GET().build());
        if (existing.statusCode() == 404) {
            return new HiddenTraitState(key, HiddenTraitState.MISSING, 0, 0);
        }
        if (existing.statusCode() != 200) {
            throw unexpected(existing);
        }
        return state(existing);
    }

    /** Deletes a hidden trait no segment uses any more; one already gone is fine. */
    public void delete(String workspaceId, String key) throws ProfileUnavailableException {
        HttpResponse<String> deleted = send(request(workspaceId, uri(key)).DELETE().build());
        if (deleted.statusCode() != 204 && deleted.statusCode() != 404) {
            throw unexpected(deleted);
        }
    }

    /** A request with the service credential; without a service secret (JWKS mode, none set) there is none to send. */
    private HttpRequest.Builder request(String workspaceId, URI uri) throws ProfileUnavailableException {
        if (!credentials.available()) {
            throw new ProfileUnavailableException("segmentation-service has no service secret to call profile-service "
                    + "with: set cdp.kit.security.service-secret (env CDP_SERVICE_SECRET, the same on every service)");
        }
        return HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + credentials.token(Scopes.PROFILES_WRITE))
                .header(ServiceCredentials.WORKSPACE_HEADER, workspaceId)
                .header("Accept", "application/json");
    }

    private URI uri(String key) {
        return URI.create(base + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest request) throws ProfileUnavailableException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ProfileUnavailableException("no answer from " + base + " within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ProfileUnavailableException(base + " unreachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProfileUnavailableException("interrupted", e);
        }
    }

    private HiddenTraitState state(HttpResponse<String> response) throws ProfileUnavailableException {
        try {
            JsonNode trait = json.readTree(response.body());
            if (!trait.path("key").isString() || !trait.path("status").isString()) {
                throw new ProfileUnavailableException("profile-service answered a computed trait without key or status");
            }
            return new HiddenTraitState(trait.path("key").asString(), trait.path("status").asString(),
                    trait.path("progress").path("processed").asLong(0), trait.path("progress").path("total").asLong(0));
        } catch (JacksonException e) {
            throw new ProfileUnavailableException("profile-service answered something that is not JSON", e);
        }
    }

    private ProfileUnavailableException unexpected(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        return new ProfileUnavailableException("HTTP " + response.statusCode() + " from " + response.request().uri()
                + (body.isBlank() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) : body)));
    }
}
