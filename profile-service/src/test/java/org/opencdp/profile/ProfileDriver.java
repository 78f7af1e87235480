package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.body;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import tools.jackson.databind.JsonNode;

/**
 * Drives the profile service from outside, on the shared {@link ApiClient} and {@link TopicWriter}:
 * messages in as identity-service sends them ({@link ProfileEvents}), the Profile API, and the
 * ProfileChanged it publishes.
 */
public final class ProfileDriver implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final TestInfrastructure infrastructure;
    private final ApiClient api;
    private final TopicWriter writer;
    private TopicReader changes;

    public ProfileDriver(TestInfrastructure infrastructure, int port) {
        this.infrastructure = infrastructure;
        this.api = ApiClient.onPort(port);
        this.writer = infrastructure.writer();
    }

    public ApiClient api() {
        return api;
    }

    public TopicWriter writer() {
        return writer;
    }

    /** Publishes the messages in order, each to its topic, and waits for Kafka's acknowledgement. */
    public void send(CdpMessage... messages) {
        writer.sendAll(List.of(messages));
    }

    /** A token of {@code workspaceId} that may read profiles. */
    public String token(String workspaceId) {
        return infrastructure.token(workspaceId, Scopes.PROFILES_READ);
    }

    /** Waits until the profile has {@code count} stored events and returns them (newest first). */
    public JsonNode awaitEvents(String workspaceId, String profileId, int count) {
        String token = token(workspaceId);
        String path = "/v1/profiles/" + profileId + "/events?limit=200";
        await().atMost(TIMEOUT).until(() -> api.get(path, token).statusCode() == 200
                && body(api.get(path, token), 200).path("items").size() >= count);
        return body(api.get(path, token), 200).path("items");
    }

    /** Waits for a ProfileChanged of the profile matching {@code filter}; returns every matching one read so far. */
    public List<ProfileChanged> awaitChanges(String workspaceId, String profileId, Predicate<ProfileChanged> filter) {
        String key = Topics.key(workspaceId, profileId);
        List<ProfileChanged> found = changes().await(r -> key.equals(r.key())
                        && filter.test(MessageCodec.read(r.value(), ProfileChanged.class)), 1, TIMEOUT).stream()
                .map(r -> MessageCodec.read(r.value(), ProfileChanged.class)).toList();
        assertThat(found).as("a matching ProfileChanged of " + profileId).isNotEmpty();
        return found;
    }

    /**
     * Every ProfileChanged published for a profile up to now: sends a last identify with a fresh
     * trait (a change for sure, behind all earlier ones on the same partition) and reads until its
     * change arrives. Returns the changes before it, in order.
     */
    public List<ProfileChanged> changesSoFar(String workspaceId, String profileId) {
        String marker = UUID.randomUUID().toString();
        send(ProfileEvents.identify(workspaceId, profileId, "marker-" + marker,
                Instant.parse("2020-01-01T00:00:00Z"), "{\"marker_" + marker + "\":true}"));
        String key = Topics.key(workspaceId, profileId);
        changes().await(r -> key.equals(r.key()) && r.value().contains("marker_" + marker), 1, TIMEOUT);
        List<ProfileChanged> all = changes().await(r -> key.equals(r.key()), 0, Duration.ZERO).stream()
                .map(ConsumerRecord::value).map(v -> MessageCodec.read(v, ProfileChanged.class)).toList();
        assertThat(all).as("the marker's change").isNotEmpty();
        assertThat(all.getLast().traits()).containsOnlyKeys("marker_" + marker);
        return all.subList(0, all.size() - 1).stream()
                .filter(c -> c.traits().keySet().stream().noneMatch(k -> k.startsWith("marker_"))).toList();
    }

    /** The first value of a record's header, as text (null when absent): the reasons of a dead letter. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        return StreamSupport.stream(record.headers().headers(name).spliterator(), false).findFirst()
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    private TopicReader changes() {
        if (changes == null) {
            changes = infrastructure.read(Topics.PROFILE_CHANGES);
        }
        return changes;
    }

    @Override
    public void close() {
        writer.close();
        if (changes != null) {
            changes.close();
        }
    }
}
