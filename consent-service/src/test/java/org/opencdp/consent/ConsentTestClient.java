package org.opencdp.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.testsupport.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** HTTP and Kafka helpers shared by the consent ITs. */
public final class ConsentTestClient implements AutoCloseable {

    public static final JsonMapper JSON = JsonMapper.shared();

    private final HttpClient http = HttpClient.newHttpClient();
    private final TestInfrastructure infrastructure;
    private final int port;
    private KafkaProducer<String, String> producer;

    public ConsentTestClient(TestInfrastructure infrastructure, int port) {
        this.infrastructure = infrastructure;
        this.port = port;
    }

    public HttpResponse<String> get(String path, String token) throws Exception {
        var builder = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String token, String json) throws Exception {
        return send("PUT", path, token, json);
    }

    public HttpResponse<String> post(String path, String token, String json) throws Exception {
        return send("POST", path, token, json);
    }

    private HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        var builder = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts a 2xx-or-given status and returns the body as JSON. */
    public static JsonNode body(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    /** Asserts an RFC 9457 problem with the status and code; returns it. */
    public static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asString()).isEqualTo(code);
        assertThat(problem.path("type").asString()).isEqualTo("https://opencdp.dev/problems/" + code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        return problem;
    }

    /** Asserts a {@code validation_failed} problem pointing at {@code pointer} (a JSON pointer into the body). */
    public static void assertInvalidField(HttpResponse<String> response, String pointer) {
        JsonNode problem = assertProblem(response, 400, "validation_failed");
        assertThat(problem.path("errors").valueStream().map(error -> error.path("pointer").asString()))
                .as(response.body()).contains(pointer);
    }

    /** A resolved event as identity publishes it, with {@code categoryPreferences} when not null. */
    public static EventResolved resolvedEvent(String workspaceId, String profileId, String userId, String anonymousId,
                                              Instant at, Map<String, ?> categoryPreferences) {
        ObjectNode context = JSON.createObjectNode();
        if (categoryPreferences != null) {
            context.putObject("consent").set("categoryPreferences", JSON.valueToTree(categoryPreferences));
        }
        var event = new SegmentEvent(SegmentEvent.EventType.track, UUID.randomUUID().toString(), userId, anonymousId,
                "Page Viewed", null, null, null, null, at, at, at, at, context, JSON.createObjectNode(), null, null);
        return new EventResolved(UUID.randomUUID(), workspaceId, profileId, "src_web", at, at, event);
    }

    /** Produces {@code message} to its topic with a plain producer, as identity would. */
    public void produce(EventResolved message) throws Exception {
        produceRaw(message.topic(), message.key(), MessageCodec.toJson(message));
    }

    public void produceRaw(String topic, String key, String json) throws Exception {
        producer().send(new ProducerRecord<>(topic, key, json)).get();
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", infrastructure.bootstrapServers()),
                    new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    /**
     * Produces {@code jsons} (key → value, in order) to one partition of {@code topic} and waits until
     * Kafka acknowledged them all.
     */
    public void produceAll(String topic, int partition, List<Map.Entry<String, String>> jsons) {
        producer();
        List<Future<?>> sent = new ArrayList<>();
        jsons.forEach(json -> sent.add(producer.send(new ProducerRecord<>(topic, partition, json.getKey(),
                json.getValue()))));
        producer.flush();
        sent.forEach(future -> {
            try {
                future.get();
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not acknowledge a test record", e);
            }
        });
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
