package org.opencdp.segmentation.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP and Kafka helpers for driving the segmentation service from a test, as another service or a user would. */
final class SegmentationClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    private final TestInfrastructure infrastructure;
    private final int port;
    private final KafkaProducer<String, String> producer;

    SegmentationClient(TestInfrastructure infrastructure, int port) {
        this.infrastructure = infrastructure;
        this.port = port;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", infrastructure.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    static String newWorkspace() {
        return "ws_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    String writer(String workspaceId) {
        return infrastructure.token(workspaceId, "segments:write");
    }

    String reader(String workspaceId) {
        return infrastructure.token(workspaceId, "segments:read");
    }

    // ---- Kafka -------------------------------------------------------------------------------

    /** Publishes a ProfileChanged (as profile-service does) and returns the record value, for re-delivery. */
    String changeProfile(String workspaceId, String profileId, String traitsJson) {
        String value = profileChanged(UUID.randomUUID(), workspaceId, profileId, traitsJson);
        send(Topics.key(workspaceId, profileId), value);
        return value;
    }

    /** The record value of a ProfileChanged with message id {@code id} setting (or, with null, removing) traits. */
    static String profileChanged(UUID id, String workspaceId, String profileId, String traitsJson) {
        Map<String, JsonNode> traits = new HashMap<>();
        json(traitsJson).forEachEntry(traits::put);
        return MessageCodec.toJson(new ProfileChanged(id, workspaceId, Instant.now(), profileId, traits, Map.of()));
    }

    void send(String key, String value) {
        try {
            producer.send(new ProducerRecord<>(Topics.PROFILE_CHANGES, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until segmentation has stored these profiles, the only ones sent to this (fresh) workspace:
     * a preview of a condition every profile matches counts them.
     */
    void awaitKnown(String workspaceId, String... profileIds) {
        String everyone = "{\"condition\": {\"or\": [{\"trait\": \"plan\", \"op\": \"exists\"},"
                + " {\"trait\": \"plan\", \"op\": \"not_exists\"}]}}";
        String token = reader(workspaceId);
        await().atMost(TIMEOUT).until(() -> json(post("/v1/segments/preview", token, everyone).body())
                .path("size").asLong() == profileIds.length);
    }

    static List<MembershipChanged> memberships(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> MessageCodec.read(r.value(), MembershipChanged.class)).toList();
    }

    // ---- HTTP --------------------------------------------------------------------------------

    /** Creates a segment and returns its id. */
    String createSegment(String workspaceId, String name, String conditionJson) {
        HttpResponse<String> response = post("/v1/segments", writer(workspaceId),
                "{\"name\": \"" + name + "\", \"condition\": " + conditionJson + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body()).path("id").asString();
    }

    /** Waits until the segment is ready and returns it. */
    JsonNode awaitReady(String workspaceId, String segmentId) {
        String token = reader(workspaceId);
        return await().atMost(TIMEOUT).until(() -> json(get("/v1/segments/" + segmentId, token).body()),
                segment -> "ready".equals(segment.path("status").asString()));
    }

    HttpResponse<String> get(String path, String token) {
        var builder = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return send(builder.build());
    }

    HttpResponse<String> post(String path, String token, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> put(String path, String token, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> delete(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).DELETE().build());
    }

    /** Asserts an RFC 9457 problem with this status and code, and returns its body. */
    static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = json(response.body());
        assertThat(body.path("code").asString()).isEqualTo(code);
        assertThat(body.path("type").asString()).isEqualTo("https://opencdp.dev/problems/" + code);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        return body;
    }

    static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        http.close();
    }
}
