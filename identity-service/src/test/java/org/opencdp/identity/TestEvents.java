package org.opencdp.identity;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Accepted events as ingestion produces them, and a plain producer to put them on the topic. */
public final class TestEvents {

    /** A track event of {@code userId} and/or {@code anonymousId} (either may be null), at {@code timestamp}. */
    public static EventAccepted track(String workspaceId, String userId, String anonymousId, Instant timestamp) {
        ObjectNode properties = JsonNodeFactory.instance.objectNode().put("total", 42);
        ObjectNode context = JsonNodeFactory.instance.objectNode().put("ip", "203.0.113.7");
        Instant receivedAt = timestamp.plusSeconds(1);
        SegmentEvent event = new SegmentEvent(SegmentEvent.EventType.track, "msg-" + UUID.randomUUID(), userId,
                anonymousId, "Order Completed", null, null, null, null, timestamp, timestamp, timestamp, receivedAt,
                context, properties, null, null);
        return new EventAccepted(UUID.randomUUID(), workspaceId, "src-web", timestamp, receivedAt, event);
    }

    /** A track event happening now (millisecond precision, as SDKs send it). */
    public static EventAccepted track(String workspaceId, String userId, String anonymousId) {
        return track(workspaceId, userId, anonymousId, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** A producer of string keys and JSON values, acks=all, one request in flight so records keep their order. */
    public static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
    }

    private TestEvents() {
    }
}
