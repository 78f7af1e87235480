package org.opencdp.ingestion.tracking;

import static org.opencdp.fuzz.Outcomes.assertDocumentedRefusal;
import static org.opencdp.fuzz.Outcomes.assertPointer;
import static org.opencdp.fuzz.Outcomes.assertStorable;
import static org.opencdp.fuzz.Outcomes.expect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.CloudEventHeaders;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.fuzz.Outcome;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.kit.problem.CdpException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the Tracking API does with a request's bytes, from {@link TrackingBodyFilter} to the messages
 * it publishes, without what needs a database or Kafka (write-key lookup, rate limit, suppressions,
 * tracking plan, the send itself). The steps and their order are {@link TrackingService#single} and
 * {@link TrackingService#batch}'s; they are repeated here because that class also authenticates and
 * publishes, and what it calls in between is package-private (see docs/security.md, "Fuzzing").
 *
 * <p>Every step either refuses in its documented way (a {@link BoundedBody} size or gzip refusal, a
 * 4xx {@link CdpException} with a code of docs/errors.md, an invalid event with a JSON pointer per
 * reason) or hands on. Past the checks, what the service would publish must be publishable and
 * consumable: each message is written as {@link EventPublisher} writes it, read back as a consumer
 * reads it ({@link MessageCodec#read}, whose limits are stricter than the Tracking API's parser), and
 * holds nothing PostgreSQL cannot store. A failed check throws {@link AssertionError}.
 */
final class TrackingCall {

    /** The service's defaults ({@code IngestionProperties}). */
    static final int MAX_REQUEST_SIZE = 500 * 1024;
    static final int MAX_EVENT_SIZE = 32 * 1024;
    static final int MAX_BATCH_SIZE = 2500;
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);

    /** The reason codes of one refused event. */
    static final Set<String> REASON_CODES = Set.of("invalid_event", "missing_identity", "invalid_message_id",
            "missing_field", "invalid_type", "invalid_field", "invalid_timestamp", "invalid_character",
            "event_too_large");

    private static final AuthenticatedSource SOURCE =
            new AuthenticatedSource("ws-fuzz", "7d0e5c1a-6f7b-4a55-9a3e-2b1c0d9e8f71", null);
    private static final String PUBLISHER = CloudEventHeaders.sourceOf("ingestion");

    /** The service's {@code JsonMapper} only builds the trees; the parser with the limits is {@link TrackingJson}'s own. */
    private final TrackingJson json = new TrackingJson(JsonMapper.builder().build(), MAX_REQUEST_SIZE);

    /**
     * The request body as the servlet container hands it over: gunzipped when it looks like gzip (an SDK
     * would send {@code Content-Encoding: gzip}), held to the size limit. Empty when refused (413 or 400
     * {@code invalid_gzip}).
     */
    static Optional<byte[]> body(byte[] raw) throws IOException {
        String encoding = raw.length >= 2 && raw[0] == (byte) 0x1f && raw[1] == (byte) 0x8b ? "gzip" : null;
        try {
            return Optional.of(BoundedBody.read(new ByteArrayInputStream(raw), encoding, raw.length,
                    MAX_REQUEST_SIZE));
        } catch (BoundedBody.TooLarge | BoundedBody.CorruptBody refused) {
            return Optional.empty();
        }
    }

    /** {@link TrackingService#single}: one identify, track, page, screen, group or alias call. */
    Outcome single(EventType type, boolean gpc, byte[] body) {
        Instant receivedAt = Instant.now();
        if (body.length > MAX_EVENT_SIZE) {
            return Outcome.REFUSED; // 413 payload_too_large, on the body's length
        }
        ObjectNode event;
        try {
            event = json.readObject(body);
        } catch (CdpException refused) {
            assertDocumentedRefusal(refused, Set.of("invalid_json"), "");
            return Outcome.REFUSED;
        }
        CallOutcome outcome = new CallOutcome(SOURCE, receivedAt);
        switch (check(type, event, BatchDefaults.single(gpc), receivedAt, NulCharacters.mayOccurIn(body))) {
            case EventCheck.Valid valid -> outcome.admitted(0, event, new EventAdmission.Verdict.Accept(valid.event(), null));
            case EventCheck.Invalid invalid -> {
                return Outcome.REFUSED; // 400 invalid_event, its reasons as errors: [{pointer, message, code}]
            }
        }
        return publish(outcome);
    }

    /** {@link TrackingService#batch}: {@code /v1/batch} and {@code /v1/import}. */
    Outcome batch(boolean gpc, byte[] body) {
        Instant receivedAt = Instant.now();
        TrackingJson.BatchBody batch;
        try {
            batch = json.readBatch(body);
        } catch (CdpException refused) {
            assertDocumentedRefusal(refused, Set.of("invalid_json"), "");
            return Outcome.REFUSED;
        }
        ObjectNode request = batch.request();
        if (!(request.get("batch") instanceof ArrayNode items) || items.isEmpty()) {
            return Outcome.REFUSED; // 400 invalid_batch
        }
        if (items.size() > MAX_BATCH_SIZE) {
            return Outcome.REFUSED; // 400 batch_too_large
        }
        BatchDefaults defaults;
        try {
            defaults = BatchDefaults.of(request, gpc);
        } catch (CdpException refused) {
            assertDocumentedRefusal(refused, Set.of("invalid_batch"), "");
            return Outcome.REFUSED;
        }
        boolean mayHoldNul = NulCharacters.mayOccurIn(body);
        if (mayHoldNul && NulCharacters.pathOutside(request, "batch") != null) {
            return Outcome.REFUSED; // 400 invalid_character
        }
        CallOutcome outcome = new CallOutcome(SOURCE, receivedAt);
        for (int index = 0; index < items.size(); index++) {
            JsonNode item = items.get(index);
            boolean tooLarge = json.largerThan(item, batch.span(index), MAX_EVENT_SIZE);
            // the shortcut may skip measuring an event only when it cannot be too large
            int size = tooLarge ? -1 : json.sizeOf(item);
            expect(size <= MAX_EVENT_SIZE, () -> "an event of " + size + " bytes passed the size check", null);
            EventCheck check = tooLarge
                    ? new EventCheck.Invalid(List.of(new EventRejected.Reason("event_too_large", "too large", "")))
                    : check(null, item, defaults, receivedAt, mayHoldNul);
            switch (check) {
                case EventCheck.Valid valid ->
                        outcome.admitted(index, item, new EventAdmission.Verdict.Accept(valid.event(), null));
                case EventCheck.Invalid invalid -> outcome.invalid(index, item, invalid);
            }
        }
        if (outcome.allInvalid(items.size())) {
            return Outcome.REFUSED; // 400 invalid_event, every event listed in 'rejected'
        }
        return publish(outcome);
    }

    /** {@code TrackingService.check}: the NUL check when the body may hold one, then the Segment spec. */
    private static EventCheck check(EventType type, JsonNode event, BatchDefaults defaults, Instant receivedAt,
                                    boolean mayHoldNul) {
        String path = mayHoldNul ? NulCharacters.pathOf(event) : null;
        EventCheck check = path != null
                ? new EventCheck.Invalid(List.of(new EventRejected.Reason("invalid_character", "NUL", path)))
                : SegmentEventValidator.check(type, event, defaults, receivedAt, FUTURE_TOLERANCE);
        if (check instanceof EventCheck.Invalid invalid) {
            expect(!invalid.reasons().isEmpty(), () -> "an invalid event without a reason", null);
            for (EventRejected.Reason reason : invalid.reasons()) {
                expect(REASON_CODES.contains(reason.code()), () -> "undocumented reason code " + reason.code(), null);
                expect(reason.message() != null && !reason.message().isBlank(), () -> "a reason without a message", null);
                assertPointer(reason.path(), "");
            }
        }
        return check;
    }

    /**
     * Every message of the call as {@link EventPublisher} sends it (its CloudEvents headers, the JSON as
     * a UTF-8 string) must read back as a consumer reads it, and hold nothing PostgreSQL cannot store.
     */
    private static Outcome publish(CallOutcome outcome) {
        for (CdpMessage message : outcome.messages()) {
            CloudEventHeaders.of(message, PUBLISHER);
            byte[] record = MessageCodec.toJson(message).getBytes(StandardCharsets.UTF_8);
            CdpMessage consumed = MessageCodec.read(record, message.getClass());
            switch (consumed) {
                case EventAccepted accepted -> {
                    JsonNode event = MessageCodec.mapper().valueToTree(accepted.event());
                    assertStorable(event, "an accepted event");
                    expect(accepted.event().messageId().length() <= SegmentEventValidator.MAX_MESSAGE_ID_LENGTH,
                            () -> "an accepted messageId over the limit", null);
                    expect(accepted.id().equals(EventIds.of(accepted.workspaceId(), accepted.event().messageId())),
                            () -> "the event id is not derived from its messageId", null);
                }
                case EventRejected rejected -> expect(!rejected.reasons().isEmpty(), () -> "rejected without reasons", null);
                default -> throw new AssertionError("the Tracking API published a " + consumed.getClass());
            }
        }
        return Outcome.ACCEPTED;
    }
}
