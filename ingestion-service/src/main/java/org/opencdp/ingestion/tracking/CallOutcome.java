package org.opencdp.ingestion.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.trackingplan.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one Tracking API call does with its events, gathered in order: the messages to publish
 * (accepted events, and every refused one on the rejected topic), the refusals to report to the
 * caller by index, the tracking-plan violations to record, and the counts for the metrics.
 *
 * <p>An accepted event's message id is derived from its workspace and {@code messageId} ({@link
 * EventIds}): an SDK that sends a batch again after a 503 gets the same ids, so every later stage
 * de-duplicates the retry.
 *
 * <p>Suppressed events are published to the rejected topic without their content (only {@code
 * type} and {@code messageId}, no person id in the key) and are not reported to the caller: the
 * person asked not to be tracked, and a write key is public in web pages, so the answer must not
 * reveal who is suppressed.
 */
final class CallOutcome {

    private final AuthenticatedSource source;
    private final EventIds.OfWorkspace ids;
    private final Instant receivedAt;
    private final List<CdpMessage> messages = new ArrayList<>();
    private final List<TrackingResponse.Rejected> rejected = new ArrayList<>();
    private final List<Violation> violations = new ArrayList<>();
    private int accepted;
    private int invalid;
    private final Map<Rejection, Integer> invalidByReason = new EnumMap<>(Rejection.class);
    private int suppressed;
    private int blocked;

    CallOutcome(AuthenticatedSource source, Instant receivedAt) {
        this.source = source;
        this.ids = EventIds.of(source.workspaceId());
        this.receivedAt = receivedAt;
    }

    /** An event that breaks the Segment spec. */
    void invalid(int index, JsonNode sent, EventCheck.Invalid check) {
        invalid++;
        invalidByReason.merge(Rejection.ofEvent(check.code()), 1, Integer::sum);
        rejected.add(new TrackingResponse.Rejected(index, check.code(), check.message()));
        messages.add(rejectedMessage(SegmentEventValidator.personIdOf(sent), withoutWriteKey(sent), check.reasons()));
    }

    /** An event that follows the spec, after the door checks. */
    void admitted(int index, JsonNode sent, EventAdmission.Verdict verdict) {
        switch (verdict) {
            case EventAdmission.Verdict.Accept accept -> {
                accepted++;
                messages.add(new EventAccepted(ids.of(accept.event().messageId()),
                        source.workspaceId(), source.sourceId(),
                        accept.event().timestamp(), accept.event().receivedAt(), accept.event()));
                if (accept.violation() != null) {
                    violations.add(accept.violation());
                }
            }
            case EventAdmission.Verdict.Suppressed drop -> {
                suppressed++;
                ObjectNode redacted = MessageCodec.mapper().createObjectNode()
                        .put("type", drop.event().type().name())
                        .put("messageId", drop.event().messageId());
                messages.add(rejectedMessage(null, redacted, List.of(drop.reason())));
            }
            case EventAdmission.Verdict.Blocked block -> {
                blocked++;
                violations.add(block.violation());
                rejected.add(new TrackingResponse.Rejected(index, block.violation().code(),
                        block.violation().message()));
                messages.add(rejectedMessage(block.event().personId(), withoutWriteKey(sent),
                        block.violation().reasons()));
            }
        }
    }

    private EventRejected rejectedMessage(String personId, JsonNode event, List<EventRejected.Reason> reasons) {
        return new EventRejected(UUID.randomUUID(), source.workspaceId(), source.sourceId(), receivedAt, personId,
                event, reasons);
    }

    /** The event as sent, minus a {@code writeKey} in its body: a credential never goes to Kafka. */
    private static JsonNode withoutWriteKey(JsonNode sent) {
        if (sent instanceof ObjectNode object && object.has("writeKey")) {
            ObjectNode copy = object.deepCopy();
            copy.remove("writeKey");
            return copy;
        }
        return sent;
    }

    boolean allInvalid(int total) {
        return invalid == total;
    }

    List<CdpMessage> messages() {
        return messages;
    }

    List<TrackingResponse.Rejected> rejected() {
        return rejected;
    }

    List<Violation> violations() {
        return violations;
    }

    int accepted() {
        return accepted;
    }

    int invalid() {
        return invalid;
    }

    /** The events that break the Segment spec, by why. */
    Map<Rejection, Integer> invalidByReason() {
        return invalidByReason;
    }

    int suppressed() {
        return suppressed;
    }

    int blocked() {
        return blocked;
    }

    AuthenticatedSource source() {
        return source;
    }

    Instant receivedAt() {
        return receivedAt;
    }
}
