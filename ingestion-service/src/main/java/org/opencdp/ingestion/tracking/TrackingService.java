package org.opencdp.ingestion.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.ratelimit.SourceRateLimiter;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.sources.WriteKeyAuthenticator;
import org.opencdp.ingestion.trackingplan.ViolationRecorder;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Tracking API: authenticates the write key, holds the source to its rate limit, checks each
 * event against the Segment spec, then against suppressions and the source's tracking plan
 * ({@link EventAdmission}), and publishes the accepted events and every refused one (on the
 * rejected topic, with its reasons), answering only after Kafka acknowledged them all.
 *
 * <p>Events refused after they followed the spec (blocked by the tracking plan, suppressed) get a
 * 200, as Segment answers: an SDK must not retry them. Blocked ones are listed in {@code rejected}
 * (index, code, message); suppressed ones are not (see {@link CallOutcome}). An event that breaks
 * the spec is a 400 in a single call; in a batch it is listed and the batch is a 400 only when no
 * event of it is valid.
 */
@Service
class TrackingService {

    private final WriteKeyAuthenticator authenticator;
    private final TrackingJson json;
    private final EventPublisher publisher;
    private final TrackingMetrics metrics;
    private final SourceRateLimiter rateLimiter;
    private final EventAdmission admission;
    private final ViolationRecorder violations;
    private final int maxEventSize;
    private final int maxBatchSize;
    private final Duration futureTolerance;

    TrackingService(WriteKeyAuthenticator authenticator, TrackingJson json, EventPublisher publisher,
                    TrackingMetrics metrics, SourceRateLimiter rateLimiter, EventAdmission admission,
                    ViolationRecorder violations, IngestionProperties properties) {
        this.authenticator = authenticator;
        this.json = json;
        this.publisher = publisher;
        this.metrics = metrics;
        this.rateLimiter = rateLimiter;
        this.admission = admission;
        this.violations = violations;
        this.maxEventSize = (int) Math.min(Integer.MAX_VALUE, properties.maxEventSize().toBytes());
        this.maxBatchSize = properties.maxBatchSize();
        this.futureTolerance = properties.futureEventTimeTolerance();
    }

    /**
     * One identify, track, page, screen, group or alias call; {@code gpc}: the request had {@code
     * Sec-GPC: 1}.
     */
    TrackingResponse single(EventType type, String headerWriteKey, boolean gpc, byte[] body) {
        Instant receivedAt = Instant.now();
        AuthenticatedSource source = headerWriteKey == null ? null : authenticate(headerWriteKey);
        if (body.length > maxEventSize) {
            throw counted(source, Rejection.too_large, 1,
                    tooLarge("An event may have at most " + maxEventSize + " bytes."));
        }
        ObjectNode event = counting(source, Rejection.invalid_json, 1, () -> json.readObject(body));
        if (source == null) {
            source = authenticate(bodyWriteKey(event));
        }
        rateLimiter.acquire(source, 1);
        CallOutcome outcome = new CallOutcome(source, receivedAt);
        switch (check(type, event, BatchDefaults.single(gpc), receivedAt, NulCharacters.mayOccurIn(body))) {
            case EventCheck.Valid valid -> outcome.admitted(0, event, admission.gate(source).admit(valid.event()));
            case EventCheck.Invalid invalid -> {
                metrics.rejected(source, Rejection.ofEvent(invalid.code()), 1);
                throw CdpException.badRequest("invalid_event", invalid.message())
                        .with("errors", invalid.reasons().stream().map(InvalidEventField::of).toList());
            }
        }
        return publish(outcome);
    }

    /**
     * A batch ({@code /v1/batch}, {@code /v1/import}): every valid event is accepted, every invalid
     * one is answered in {@code rejected} and published to the rejected topic. When no event is
     * valid the whole call is refused (400) and nothing is published. The call costs one rate-limit
     * token per event of the batch. {@code gpc}: the request had {@code Sec-GPC: 1}, which every
     * event of the batch keeps.
     */
    TrackingResponse batch(String headerWriteKey, boolean gpc, byte[] body) {
        Instant receivedAt = Instant.now();
        AuthenticatedSource source = headerWriteKey == null ? null : authenticate(headerWriteKey);
        TrackingJson.BatchBody batch = counting(source, Rejection.invalid_json, 1, () -> json.readBatch(body));
        ObjectNode request = batch.request();
        if (source == null) {
            source = authenticate(bodyWriteKey(request));
        }
        if (!(request.get("batch") instanceof ArrayNode items) || items.isEmpty()) {
            throw counted(source, Rejection.invalid_batch, 1,
                    CdpException.badRequest("invalid_batch", "A batch needs 'batch': a non-empty array of events."));
        }
        if (items.size() > maxBatchSize) {
            throw counted(source, Rejection.too_large, items.size(), CdpException.badRequest("batch_too_large",
                    "A batch may have at most " + maxBatchSize + " events; this one has " + items.size() + ".")
                    .with("limit", maxBatchSize));
        }
        BatchDefaults defaults = counting(source, Rejection.invalid_batch, items.size(),
                () -> BatchDefaults.of(request, gpc));
        boolean mayHoldNul = NulCharacters.mayOccurIn(body);
        if (mayHoldNul) {
            counting(source, Rejection.invalid_character, items.size(), () -> refuseNulOutsideEvents(request));
        }
        rateLimiter.acquire(source, items.size());
        EventAdmission.Gate gate = admission.gate(source);
        CallOutcome outcome = new CallOutcome(source, receivedAt);
        for (int index = 0; index < items.size(); index++) {
            JsonNode item = items.get(index);
            EventCheck check = json.largerThan(item, batch.span(index), maxEventSize)
                    ? new EventCheck.Invalid(List.of(new EventRejected.Reason("event_too_large",
                            "An event may have at most " + maxEventSize + " bytes.", "")))
                    : check(null, item, defaults, receivedAt, mayHoldNul);
            switch (check) {
                case EventCheck.Valid valid -> outcome.admitted(index, item, gate.admit(valid.event()));
                case EventCheck.Invalid invalid -> outcome.invalid(index, item, invalid);
            }
        }
        if (outcome.allInvalid(items.size())) {
            AuthenticatedSource known = source;
            outcome.invalidByReason().forEach((reason, count) -> metrics.rejected(known, reason, count));
            throw CdpException.badRequest("invalid_event", "None of the " + items.size()
                    + " events of the batch is valid.").with("rejected", outcome.rejected());
        }
        return publish(outcome);
    }

    /**
     * {@link SegmentEventValidator#check}, after refusing an event with a NUL character in any name
     * or string when the body may hold one ({@link NulCharacters}).
     */
    private EventCheck check(EventType type, JsonNode event, BatchDefaults defaults, Instant receivedAt,
                                    boolean mayHoldNul) {
        String path = mayHoldNul ? NulCharacters.pathOf(event) : null;
        if (path != null) {
            return new EventCheck.Invalid(List.of(new EventRejected.Reason("invalid_character",
                    "Names and strings may not contain the NUL character (U+0000).", path)));
        }
        return SegmentEventValidator.check(type, event, defaults, receivedAt, futureTolerance);
    }

    /** A NUL character in the batch's own fields (its context, integrations...) would reach every event. */
    private static ObjectNode refuseNulOutsideEvents(ObjectNode request) {
        String path = NulCharacters.pathOutside(request, "batch");
        if (path != null) {
            throw CdpException.badRequest("invalid_character", "Names and strings may not contain the NUL character "
                    + "(U+0000); the batch has one at " + path + ".");
        }
        return request;
    }

    /** The write key's source, whose metrics then exist ({@link TrackingMetrics#seen}). */
    private AuthenticatedSource authenticate(String writeKey) {
        AuthenticatedSource source = authenticator.authenticate(writeKey);
        metrics.seen(source);
        return source;
    }

    /** Runs {@code step}; when it refuses the call, counts {@code events} of the source (when known) as {@code reason}. */
    private <T> T counting(AuthenticatedSource source, Rejection reason, int events, Supplier<T> step) {
        try {
            return step.get();
        } catch (CdpException refusal) {
            throw counted(source, reason, events, refusal);
        }
    }

    /** {@code refusal}, once {@code events} of the source (when known) are counted as {@code reason}. */
    private CdpException counted(AuthenticatedSource source, Rejection reason, int events, CdpException refusal) {
        if (source != null) {
            metrics.rejected(source, reason, events);
        }
        return refusal;
    }

    /** Publishes the call's messages, then counts them and records its violations. */
    private TrackingResponse publish(CallOutcome outcome) {
        publisher.publish(outcome.messages());
        metrics.published(outcome);
        violations.record(outcome.source(), outcome.violations(), outcome.receivedAt());
        return outcome.rejected().isEmpty() ? TrackingResponse.OK : new TrackingResponse(true, outcome.rejected());
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
