package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Drives the profile service from outside: resolved events in over Kafka, the Profile API over HTTP. */
public final class ProfileTestClient implements AutoCloseable {

    public static final String SOURCE = "src_web";
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final TestInfrastructure infrastructure;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final KafkaProducer<String, String> producer;

    public ProfileTestClient(TestInfrastructure infrastructure, int port) {
        this.infrastructure = infrastructure;
        this.port = port;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", infrastructure.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    // ---- resolved events in

    public static EventResolved identify(String workspaceId, String profileId, String messageId, Instant at,
                                         String traitsJson) {
        return resolved(workspaceId, profileId, event(EventType.identify, messageId, null, at, null, traitsJson));
    }

    public static EventResolved track(String workspaceId, String profileId, String messageId, Instant at,
                                      String name, String propertiesJson) {
        return resolved(workspaceId, profileId, event(EventType.track, messageId, name, at, propertiesJson, null));
    }

    public static EventResolved resolved(String workspaceId, String profileId, SegmentEvent event) {
        return new EventResolved(UUID.randomUUID(), workspaceId, profileId, SOURCE, event.timestamp(),
                event.receivedAt(), event);
    }

    public static SegmentEvent event(EventType type, String messageId, String name, Instant at, String propertiesJson,
                                     String traitsJson) {
        ObjectNode context = (ObjectNode) JsonMapper.shared().readTree(
                "{\"library\":{\"name\":\"analytics.js\",\"version\":\"5.0.0\"},\"ip\":\"203.0.113.7\"}");
        return new SegmentEvent(type, messageId, "user-" + messageId, null, name, null, null, null, null, at, at, at,
                at.plusMillis(250), context, propertiesJson == null ? null : object(propertiesJson),
                traitsJson == null ? null : object(traitsJson), null);
    }

    /** An event of a person with these ids, with {@code contextTraits} (JSON, may be null) in its context. */
    public static SegmentEvent personEvent(EventType type, String messageId, String userId, String anonymousId,
                                           Instant at, String traitsJson, String contextTraitsJson) {
        SegmentEvent base = event(type, messageId, type == EventType.track ? "Signed Up" : null, at, null, traitsJson);
        if (contextTraitsJson != null) {
            base.context().set("traits", object(contextTraitsJson));
        }
        return new SegmentEvent(type, messageId, userId, anonymousId, base.event(), null, null, null, null, at, at, at,
                base.receivedAt(), base.context(), base.properties(), base.traits(), null);
    }

    public void send(EventResolved... messages) {
        for (EventResolved message : messages) {
            sendRaw(message.key(), MessageCodec.toJson(message));
        }
    }

    /** Sends a merge as identity-service would. */
    public void sendMerge(ProfilesMerged merge) {
        sendRaw(Topics.MERGES, merge.key(), MessageCodec.toJson(merge));
    }

    public static ProfilesMerged merge(String workspaceId, String survivorId, String... mergedIds) {
        return new ProfilesMerged(UUID.randomUUID(), workspaceId, Instant.now(), survivorId, List.of(mergedIds),
                List.of(new Identifier("user_id", "u-" + survivorId)), UUID.randomUUID(), "user_id");
    }

    /**
     * Sends records (key, value) to one partition of {@code topic} in one producer batch, which a
     * fetch never splits: with the listeners paused meanwhile ({@link ListenerPause}), they reach
     * the consumer in one poll.
     */
    public void sendInOneBatch(String topic, int partition, List<String[]> keyValues) {
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        for (String[] keyValue : keyValues) {
            sent.add(producer.send(new ProducerRecord<>(topic, partition, keyValue[0], keyValue[1])));
        }
        producer.flush();
        try {
            for (var future : sent) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record (key, value) of a message, for {@link #sendInOneBatch}. */
    public static String[] record(org.opencdp.contracts.CdpMessage message) {
        return new String[] {message.key(), MessageCodec.toJson(message)};
    }

    public void sendRaw(String key, String value) {
        sendRaw(Topics.RESOLVED_EVENTS, key, value);
    }

    public void sendRaw(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every ProfileChanged published for a profile up to now: sends a last identify with a fresh
     * trait (a change for sure, behind all earlier ones on the same partition) and reads until its
     * change arrives. Returns the changes before it, in order.
     */
    public List<ProfileChanged> changesSoFar(TopicReader changes, String workspaceId, String profileId) {
        String marker = UUID.randomUUID().toString();
        send(identify(workspaceId, profileId, "marker-" + marker, Instant.parse("2020-01-01T00:00:00Z"),
                "{\"marker_" + marker + "\":true}"));
        String key = Topics.key(workspaceId, profileId);
        changes.await(r -> key.equals(r.key()) && r.value().contains("marker_" + marker), 1, TIMEOUT);
        List<ProfileChanged> all = changes.await(r -> key.equals(r.key()), 0, Duration.ZERO).stream()
                .map(ConsumerRecord::value).map(v -> MessageCodec.read(v, ProfileChanged.class)).toList();
        assertThat(all).as("the marker's change").isNotEmpty();
        assertThat(all.getLast().traits()).containsOnlyKeys("marker_" + marker);
        return all.subList(0, all.size() - 1).stream()
                .filter(c -> c.traits().keySet().stream().noneMatch(k -> k.startsWith("marker_"))).toList();
    }

    // ---- Profile API

    public HttpResponse<String> get(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET(), token);
    }

    public HttpResponse<String> post(String path, String token, String json) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json"), token);
    }

    public HttpResponse<String> put(String path, String token, String json) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .PUT(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json"), token);
    }

    public HttpResponse<String> delete(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).DELETE(), token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JsonMapper.shared().readTree(response.body());
    }

    /** GETs {@code path} and returns its JSON body, asserting a 200. */
    public JsonNode getJson(String path, String token) {
        HttpResponse<String> response = get(path, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.shared().readTree(response.body());
    }

    /** Waits until the profile has {@code count} stored events and returns them (newest first). */
    public JsonNode awaitEvents(String workspaceId, String profileId, int count) {
        String token = token(workspaceId);
        String path = "/v1/profiles/" + profileId + "/events?limit=200";
        await().atMost(TIMEOUT).until(() -> get(path, token).statusCode() == 200
                && getJson(path, token).path("items").size() >= count);
        return getJson(path, token).path("items");
    }

    public String token(String workspaceId) {
        return infrastructure.token(workspaceId, "profiles:read");
    }

    public static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = JsonMapper.shared().readTree(response.body());
        assertThat(body.path("code").asString()).isEqualTo(code);
        assertThat(body.path("type").asString()).isEqualTo("https://opencdp.dev/problems/" + code);
    }

    public static ObjectNode object(String json) {
        return (ObjectNode) JsonMapper.shared().readTree(json);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
