package org.opencdp.segmentation.segment;

import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.body;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.core.ConditionFactory;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicWriter;
import tools.jackson.databind.JsonNode;

/**
 * Drives the segmentation service of one (fresh) workspace from a test, on the shared
 * {@link ApiClient} and {@link TopicWriter}: profile changes in as profile-service publishes them
 * (numbered 1, 2, 3, … per profile in the order the test builds them, issue 15), segments through
 * the Segments API, memberships read back.
 */
public final class SegmentationDriver implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestInfrastructure infrastructure;
    private final String workspaceId;
    private final ApiClient api;
    private final TopicWriter writer;
    private final List<RecordMetadata> sent = new ArrayList<>();
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    public SegmentationDriver(TestInfrastructure infrastructure, String workspaceId, int port) {
        this.infrastructure = infrastructure;
        this.workspaceId = workspaceId;
        this.api = ApiClient.onPort(port);
        this.writer = infrastructure.writer();
    }

    public ApiClient api() {
        return api;
    }

    public String writeToken() {
        return infrastructure.token(workspaceId, Scopes.SEGMENTS_WRITE);
    }

    public String readToken() {
        return infrastructure.token(workspaceId, Scopes.SEGMENTS_READ);
    }

    /** Publishes a ProfileChanged (as profile-service does) and returns the record value, for re-delivery. */
    public String changeProfile(String profileId, String traitsJson) {
        String value = profileChanged(UUID.randomUUID(), profileId, traitsJson);
        send(profileId, value);
        return value;
    }

    /**
     * The next version of this workspace's profile: 1, 2, 3, … per profile, in the order they are asked
     * for, as profile-service numbers a profile's changes in commit order (issue 15).
     */
    public long nextVersion(String profileId) {
        return versions.merge(profileId, 1L, Long::sum);
    }

    /** A change of this workspace's profile, with its {@link #nextVersion}, stamped now. */
    public ProfileChanged nextChange(String profileId, Map<String, JsonNode> traits,
                                     Map<String, JsonNode> computedTraits) {
        return new ProfileChanged(UUID.randomUUID(), workspaceId, Instant.now(), profileId, traits, computedTraits,
                nextVersion(profileId));
    }

    /** The record value of the next change of this workspace's profile ({@link #nextVersion}), with message id {@code id}. */
    public String profileChanged(UUID id, String profileId, String traitsJson) {
        return profileChanged(id, workspaceId, profileId, nextVersion(profileId), traitsJson);
    }

    /** Publishes {@code value} (any text) to the profile changes under the profile's key. */
    public void send(String profileId, String value) {
        sent.add(writer.send(Topics.PROFILE_CHANGES, Topics.key(workspaceId, profileId), value));
    }

    /** Where the records this driver published landed, for {@link Published#applied}. */
    public List<RecordMetadata> sent() {
        return List.copyOf(sent);
    }

    /** Awaitility for conditions that usually hold soon: checked at once, then every 50 ms. */
    static ConditionFactory soon() {
        return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50));
    }

    /**
     * The record value of a ProfileChanged with message id {@code id} and {@code version} setting (or,
     * with null, removing) traits.
     */
    public static String profileChanged(UUID id, String workspaceId, String profileId, long version,
                                        String traitsJson) {
        return MessageCodec.toJson(new ProfileChanged(id, workspaceId, Instant.now(), profileId, traits(traitsJson),
                Map.of(), version));
    }

    /** A trait map as ProfileChanged carries it: a JSON null stays a null node (it removes the key). */
    public static Map<String, JsonNode> traits(String json) {
        Map<String, JsonNode> traits = new HashMap<>();
        MessageCodec.mapper().readTree(json).forEachEntry(traits::put);
        return traits;
    }

    /**
     * Waits until segmentation has stored these profiles, the only ones sent to this (fresh) workspace:
     * a preview of a condition every profile matches counts them.
     */
    public void awaitKnown(String... profileIds) {
        String everyone = "{\"or\": [{\"trait\": \"plan\", \"op\": \"exists\"},"
                + " {\"trait\": \"plan\", \"op\": \"not_exists\"}]}";
        soon().until(() -> previewSize(everyone) == profileIds.length);
    }

    /** The number of this workspace's profiles that match the condition, by a preview. */
    public long previewSize(String conditionJson) {
        return ApiClient.json(api.post("/v1/segments/preview", readToken(), "{\"condition\": " + conditionJson + "}"))
                .path("size").asLong();
    }

    /** Creates a segment and returns its id. */
    public String createSegment(String name, String conditionJson) {
        return body(api.post("/v1/segments", writeToken(), "{\"name\": \"" + name + "\", \"condition\": "
                + conditionJson + "}"), 201).path("id").asString();
    }

    /** Waits until the segment is ready and returns it. */
    public JsonNode awaitReady(String segmentId) {
        return soon().until(() -> ApiClient.json(api.get("/v1/segments/" + segmentId, readToken())),
                segment -> "ready".equals(segment.path("status").asString()));
    }

    /** The ids of the segments the profile is a member of. */
    public List<String> segmentsOf(String profileId) {
        return body(api.get("/v1/profiles/" + profileId + "/segments", readToken()), 200).path("segments")
                .valueStream().map(s -> s.path("segmentId").asString()).toList();
    }

    /** Records keyed by a profile of this workspace. */
    public Predicate<ConsumerRecord<String, String>> inWorkspace() {
        return r -> r.key() != null && r.key().startsWith(workspaceId + ":");
    }

    /** MembershipChanged records of this workspace's segment. */
    public Predicate<ConsumerRecord<String, String>> of(String segmentId) {
        return inWorkspace().and(r -> MessageCodec.read(r.value(), MembershipChanged.class).segmentId().equals(segmentId));
    }

    public static List<MembershipChanged> memberships(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> MessageCodec.read(r.value(), MembershipChanged.class)).toList();
    }

    /** The first value of a record's header, as text (null when absent): the reasons of a dead letter. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        return StreamSupport.stream(record.headers().headers(name).spliterator(), false).findFirst()
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    @Override
    public void close() {
        writer.close();
    }
}
