package org.opencdp.bench.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * What a user sets up before traffic flows, through the management APIs: a source (with a rate
 * limit above the bench's highest rate), the segment {@code plan = pro}, and a webhook destination
 * subscribed to it that needs {@code marketing} consent (undeclared purposes are opt-in, so only
 * people who granted it are delivered).
 */
final class WorkspaceSetup {

    /** What was created. */
    record Workspace(String sourceId, String writeKey, String segmentId, String destinationId) {
    }

    static final String PURPOSE = "marketing";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final PlatformProcess platform;

    WorkspaceSetup(PlatformProcess platform) {
        this.platform = platform;
    }

    /** Creates the source (unless {@code writeKey} names one), the segment and the destination. */
    Workspace create(String runId, URI webhook, String writeKey) throws IOException, InterruptedException {
        String sourceId = "(given write key)";
        if (writeKey == null) {
            JsonNode source = call("ingestion", "POST", "/v1/sources", Map.of("name", "bench " + runId), 201);
            sourceId = source.path("id").asString();
            writeKey = source.path("writeKey").asString();
            call("ingestion", "PATCH", "/v1/sources/" + sourceId,
                    Map.of("rateLimit", Map.of("eventsPerSecond", 100_000_000, "burst", 100_000_000)), 200);
        }
        JsonNode segment = call("segmentation", "POST", "/v1/segments", Map.of("name", "Pro plan (bench " + runId + ")",
                "condition", Map.of("trait", "plan", "op", "eq", "value", "pro")), 201);
        String segmentId = segment.path("id").asString();
        awaitReady(segmentId);
        JsonNode destination = call("activation", "POST", "/v1/destinations", Map.of(
                "name", "bench webhook " + runId,
                "type", "webhook",
                "config", Map.of("url", webhook.toString(), "secret", "bench-secret-" + runId),
                "requiredPurposes", List.of(PURPOSE),
                "subscriptions", Map.of("events", List.of(), "segments", List.of(segmentId))), 201);
        return new Workspace(sourceId, writeKey, segmentId, destination.path("id").asString());
    }

    private void awaitReady(String segmentId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode segment = call("segmentation", "GET", "/v1/segments/" + segmentId, null, 200);
            if ("ready".equals(segment.path("status").asString(""))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Segment " + segmentId + " is still " + segment.path("status") + " after 2 min");
            }
            Thread.sleep(200); // polling the API: nothing to wait on
        }
    }

    private JsonNode call(String service, String method, String path, Object body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(platform.url(service).resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + platform.token())
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(MessageCodec.mapper().writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + service + " " + path + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return MessageCodec.mapper().readTree(response.body());
    }
}
