package org.opencdp.activation.delivery;

import static org.opencdp.testsupport.ApiClient.body;

import java.net.http.HttpResponse;
import java.util.List;
import org.opencdp.testsupport.ApiClient;
import tools.jackson.databind.JsonNode;

/** The destination API as the delivery ITs call it: one workspace, with a {@code destinations:write} token. */
final class DestinationsApi {

    private final ApiClient api;
    private final String token;

    DestinationsApi(int port, String token) {
        this.api = ApiClient.onPort(port);
        this.token = token;
    }

    /** Creates a webhook destination needing {@code marketing} consent and returns its id. */
    String createWebhook(String url, String secret, String eventsJson, String segmentsJson, boolean enabled) {
        return body(api.post("/v1/destinations", token, """
                {"name": "Hook", "type": "webhook", "config": {"url": "%s", "secret": "%s"},
                 "requiredPurposes": ["marketing"], "subscriptions": {"events": %s, "segments": %s}, "enabled": %s}"""
                .formatted(url, secret, eventsJson, segmentsJson, enabled)), 201).path("id").asString();
    }

    /** Creates a destination of {@code type} subscribed to {@code segmentId}, needing {@code marketing} consent. */
    String createAudience(String type, String configJson, String segmentId) {
        return body(create(type, configJson, "[]", "[\"" + segmentId + "\"]"), 201).path("id").asString();
    }

    /** {@code POST /v1/destinations} of a destination of {@code type}, as answered. */
    HttpResponse<String> create(String type, String configJson, String eventsJson, String segmentsJson) {
        return api.post("/v1/destinations", token, """
                {"name": "Audience", "type": "%s", "config": %s, "requiredPurposes": ["marketing"],
                 "subscriptions": {"events": %s, "segments": %s}}""".formatted(type, configJson, eventsJson,
                segmentsJson));
    }

    /** {@code GET /v1/destinations/{id}}. */
    JsonNode get(String destinationId) {
        return body(api.get("/v1/destinations/" + destinationId, token), 200);
    }

    /** The destination's delivery log, newest first. */
    List<JsonNode> deliveries(String destinationId) {
        return items(api.get("/v1/destinations/" + destinationId + "/deliveries?limit=100", token));
    }

    List<JsonNode> deadLetters(String destinationId) {
        return items(api.get("/v1/destinations/" + destinationId + "/dead-letters", token));
    }

    HttpResponse<String> replay(String destinationId, String bodyJson) {
        return api.post("/v1/destinations/" + destinationId + "/dead-letters/replay", token, bodyJson);
    }

    private static List<JsonNode> items(HttpResponse<String> response) {
        return body(response, 200).path("items").valueStream().toList();
    }
}
