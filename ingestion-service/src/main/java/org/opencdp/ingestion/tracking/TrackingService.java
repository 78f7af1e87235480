package org.opencdp.ingestion.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.sources.WriteKeyAuthenticator;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Tracking API: authenticates the write key, checks each event against the Segment spec and
 * publishes the accepted ones (and, in a batch, the refused ones with their reasons), answering
 * only after Kafka acknowledged them all.
 */
@Service
class TrackingService {

    private final WriteKeyAuthenticator authenticator;
    private final TrackingJson json;
    private final EventPublisher publisher;
    private final TrackingMetrics metrics;
    private final int maxEventSize;
    private final int maxBatchSize;

    TrackingService(WriteKeyAuthenticator authenticator, TrackingJson json, EventPublisher publisher,
                    TrackingMetrics metrics, IngestionProperties properties) {
        this.authenticator = authenticator;
        this.json = json;
        this.publisher = publisher;
        this.metrics = metrics;
        this.maxEventSize = (int) Math.min(Integer.MAX_VALUE, properties.maxEventSize().toBytes());
        this.maxBatchSize = properties.maxBatchSize();
    }

    /** One identify, track, page, screen, group or alias call. */
    TrackingResponse single(EventType type, String headerWriteKey, byte[] body) {
        Instant receivedAt = Instant.now();
        AuthenticatedSource source = headerWriteKey == null ? null : authenticator.authenticate(headerWriteKey);
        if (body.length > maxEventSize) {
            throw tooLarge("An event may have at most " + maxEventSize + " bytes.");
        }
        ObjectNode event = json.readObject(body);
        if (source == null) {
            source = authenticator.authenticate(bodyWriteKey(event));
        }
        switch (SegmentEventValidator.check(type, event, BatchDefaults.NONE, receivedAt)) {
            case EventCheck.Valid valid -> {
                publisher.publish(List.of(accepted(source, valid.event())));
                metrics.accepted(source, 1);
            }
            case EventCheck.Invalid invalid -> {
                metrics.rejected(source, 1);
                throw CdpException.badRequest("invalid_event", invalid.message())
                        .with("errors", invalid.reasons());
            }
        }
        return TrackingResponse.OK;
    }

    /**
     * A batch ({@code /v1/batch}, {@code /v1/import}): every valid event is accepted, every invalid
     * one is answered in {@code rejected} and published to the rejected topic. When no event is
     * valid the whole call is refused (400) and nothing is published.
     */
    TrackingResponse batch(String headerWriteKey, byte[] body) {
        Instant receivedAt = Instant.now();
        AuthenticatedSource source = headerWriteKey == null ? null : authenticator.authenticate(headerWriteKey);
        ObjectNode request = json.readObject(body);
        if (source == null) {
            source = authenticator.authenticate(bodyWriteKey(request));
        }
        if (!(request.get("batch") instanceof ArrayNode items) || items.isEmpty()) {
            throw CdpException.badRequest("invalid_batch", "A batch needs 'batch': a non-empty array of events.");
        }
        if (items.size() > maxBatchSize) {
            throw CdpException.badRequest("batch_too_large", "A batch may have at most " + maxBatchSize
                    + " events; this one has " + items.size() + ".").with("limit", maxBatchSize);
        }
        BatchDefaults defaults = BatchDefaults.of(request);
        List<CdpMessage> messages = new ArrayList<>(items.size());
        List<TrackingResponse.Rejected> rejected = new ArrayList<>();
        for (int index = 0; index < items.size(); index++) {
            JsonNode item = items.get(index);
            EventCheck check = json.sizeOf(item) > maxEventSize
                    ? new EventCheck.Invalid(List.of(new EventRejected.Reason("event_too_large",
                            "An event may have at most " + maxEventSize + " bytes.", "")))
                    : SegmentEventValidator.check(null, item, defaults, receivedAt);
            switch (check) {
                case EventCheck.Valid valid -> messages.add(accepted(source, valid.event()));
                case EventCheck.Invalid invalid -> {
                    rejected.add(new TrackingResponse.Rejected(index, invalid.code(), invalid.message()));
                    messages.add(new EventRejected(UUID.randomUUID(), source.workspaceId(), source.sourceId(),
                            receivedAt, SegmentEventValidator.personIdOf(item), item, invalid.reasons()));
                }
            }
        }
        if (rejected.size() == items.size()) {
            metrics.rejected(source, rejected.size());
            throw CdpException.badRequest("invalid_event", "None of the " + items.size()
                    + " events of the batch is valid.").with("rejected", rejected);
        }
        publisher.publish(messages);
        metrics.accepted(source, items.size() - rejected.size());
        metrics.rejected(source, rejected.size());
        return new TrackingResponse(true, rejected);
    }

    private static EventAccepted accepted(AuthenticatedSource source, SegmentEvent event) {
        return new EventAccepted(UUID.randomUUID(), source.workspaceId(), source.sourceId(), event.timestamp(),
                event.receivedAt(), event);
    }

    private static String bodyWriteKey(ObjectNode body) {
        JsonNode key = body.get("writeKey");
        if (key == null || key.isNull()) {
            return null;
        }
        if (!key.isString()) {
            throw WriteKeyAuthenticator.invalidWriteKey();
        }
        return key.asString();
    }

    private static CdpException tooLarge(String detail) {
        return new CdpException(ErrorKind.PAYLOAD_TOO_LARGE, "payload_too_large", "Payload too large", detail);
    }
}
