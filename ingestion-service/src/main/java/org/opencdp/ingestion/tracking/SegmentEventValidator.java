package org.opencdp.ingestion.tracking;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks one event against the Segment spec and turns it into a {@link SegmentEvent}:
 * <ul>
 *   <li>{@code userId} or {@code anonymousId} is required; ids may be strings or numbers (numbers
 *       become strings, as Segment does); blank ids count as absent;</li>
 *   <li>{@code track} needs {@code event}, {@code alias} needs {@code previousId} and {@code userId},
 *       {@code group} needs {@code groupId};</li>
 *   <li>{@code messageId} is generated when absent and may have at most 100 characters;</li>
 *   <li>{@code context}, {@code integrations}, {@code properties} and {@code traits} must be JSON
 *       objects when present (a JSON {@code null} counts as absent) and are kept exactly as sent;</li>
 *   <li>{@code timestamp}, {@code originalTimestamp} and {@code sentAt} must be ISO-8601 date-times;
 *       the event time is resolved by {@link EventTimestamps}; when it was too far in the future and
 *       set to the received time, {@code context.opencdp.timestampAdjusted} records the change
 *       ({@code {"from": <the replaced time>, "reason": "future"}}).</li>
 * </ul>
 * Fields outside the spec (e.g. {@code version}, {@code channel}, {@code writeKey}) are not kept.
 * Every problem is reported, not only the first, each with a JSON pointer to its field.
 */
final class SegmentEventValidator {

    static final int MAX_MESSAGE_ID_LENGTH = 100;
    /** The member of {@code context} where the platform records what it changed in an event. */
    static final String OPENCDP_CONTEXT = "opencdp";
    static final String TIMESTAMP_ADJUSTED = "timestampAdjusted";

    /**
     * Checks {@code json}. {@code callType} is the type given by the path ({@code /v1/track}); null
     * in a batch, where each event names its own {@code type}.
     */
    static EventCheck check(EventType callType, JsonNode json, BatchDefaults defaults, Instant receivedAt,
                            Duration futureTolerance) {
        if (!(json instanceof ObjectNode node)) {
            return new EventCheck.Invalid(List.of(new Reason("invalid_event", "An event must be a JSON object.", "")));
        }
        var fields = new Fields(node);
        EventType type = callType != null ? callType : fields.type();
        String userId = fields.id("userId");
        String anonymousId = fields.id("anonymousId");
        String messageId = fields.id("messageId");
        String event = fields.string("event");
        String name = fields.string("name");
        String category = fields.string("category");
        String previousId = fields.id("previousId");
        String groupId = fields.id("groupId");
        ObjectNode context = fields.object("context");
        ObjectNode properties = fields.object("properties");
        ObjectNode traits = fields.object("traits");
        ObjectNode integrations = fields.object("integrations");
        Instant timestamp = fields.instant("timestamp");
        Instant originalTimestamp = fields.instant("originalTimestamp");
        Instant sentAt = fields.instant("sentAt");

        if (userId == null && anonymousId == null && !fields.failed("userId") && !fields.failed("anonymousId")) {
            fields.reject("missing_identity", "Either 'userId' or 'anonymousId' is required.", "/userId");
        }
        if (messageId != null && messageId.length() > MAX_MESSAGE_ID_LENGTH) {
            fields.reject("invalid_message_id", "'messageId' may have at most " + MAX_MESSAGE_ID_LENGTH
                    + " characters.", "/messageId");
        }
        if (type == EventType.track) {
            fields.require(event, "event", "A track call needs 'event', the name of the action.");
        } else if (type == EventType.alias) {
            fields.require(previousId, "previousId", "An alias call needs 'previousId'.");
            fields.require(userId, "userId", "An alias call needs 'userId'.");
        } else if (type == EventType.group) {
            fields.require(groupId, "groupId", "A group call needs 'groupId'.");
        }
        if (!fields.reasons.isEmpty()) {
            return new EventCheck.Invalid(fields.reasons);
        }
        Instant sent = sentAt != null ? sentAt : defaults.sentAt();
        EventTimestamps.EventTime time;
        try {
            time = EventTimestamps.resolve(timestamp != null ? timestamp : originalTimestamp, sent, receivedAt,
                    futureTolerance);
        } catch (DateTimeException | ArithmeticException e) {
            return new EventCheck.Invalid(List.of(new Reason("invalid_timestamp",
                    "The clock-skew corrected 'timestamp' is outside the years 0001 to 9999.", "/timestamp")));
        }
        ObjectNode eventContext = defaults.context(context);
        if (time.adjustedFrom() != null) {
            eventContext = withTimestampAdjusted(eventContext, time.adjustedFrom());
        }
        return new EventCheck.Valid(new SegmentEvent(type, messageId != null ? messageId : UUID.randomUUID().toString(),
                userId, anonymousId, event, name, category, previousId, groupId, time.timestamp(),
                time.originalTimestamp(), sent, receivedAt, eventContext, properties, traits,
                defaults.integrations(integrations)));
    }

    /**
     * A copy of {@code context} (the request's own tree is left as sent) with {@code
     * opencdp.timestampAdjusted}: the event time that was replaced by the received time. Only what
     * changes is copied: the top level and {@code opencdp}.
     */
    private static ObjectNode withTimestampAdjusted(ObjectNode context, Instant from) {
        ObjectNode copy = BatchDefaults.merged(null, context);
        ObjectNode opencdp = copy.get(OPENCDP_CONTEXT) instanceof ObjectNode own
                ? BatchDefaults.merged(null, own) : MessageCodec.mapper().createObjectNode();
        copy.set(OPENCDP_CONTEXT, opencdp);
        opencdp.putObject(TIMESTAMP_ADJUSTED).put("from", from.toString()).put("reason", "future");
        return copy;
    }

    /** The person an event (valid or not) is about, as best it can tell; for the rejected topic's key. */
    static String personIdOf(JsonNode json) {
        for (String field : List.of("userId", "anonymousId")) {
            JsonNode value = json == null ? null : json.get(field);
            if (value != null && (value.isString() || value.isNumber()) && !value.asString().isBlank()) {
                return value.asString();
            }
        }
        return null;
    }

    /** Reads the fields of one event, collecting a reason for each one of the wrong shape. */
    private static final class Fields {
        private final ObjectNode node;
        private final List<Reason> reasons = new ArrayList<>();
        private final List<String> failed = new ArrayList<>();

        Fields(ObjectNode node) {
            this.node = node;
        }

        EventType type() {
            JsonNode value = node.get("type");
            if (value != null && value.isString()) {
                for (EventType type : EventType.values()) {
                    if (type.name().equals(value.asString())) {
                        return type;
                    }
                }
            }
            reject("invalid_type", "'type' must be one of identify, track, page, screen, group, alias.", "/type");
            return null;
        }

        /** An id: a string, or a number turned into one; blank means absent. */
        String id(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (value.isString() || value.isNumber()) {
                String text = value.asString();
                return text.isBlank() ? null : text;
            }
            return wrongType(field, "a string");
        }

        String string(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (value.isString()) {
                return value.asString().isBlank() ? null : value.asString();
            }
            return wrongType(field, "a string");
        }

        ObjectNode object(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (value instanceof ObjectNode object) {
                return object;
            }
            return wrongType(field, "a JSON object");
        }

        Instant instant(String field) {
            JsonNode value = present(field);
            if (value == null) {
                return null;
            }
            if (value.isString()) {
                try {
                    return EventTimestamps.parse(value.asString());
                } catch (DateTimeException e) {
                    failed.add(field);
                    reject("invalid_timestamp", "'" + field + "' must be an ISO-8601 date-time between the years "
                            + "0001 and 9999, e.g. 2024-05-01T10:00:00.000Z.", "/" + field);
                    return null;
                }
            }
            return wrongType(field, "an ISO-8601 date-time string");
        }

        void require(String value, String field, String message) {
            if (value == null && !failed(field)) {
                reject("missing_field", message, "/" + field);
            }
        }

        boolean failed(String field) {
            return failed.contains(field);
        }

        void reject(String code, String message, String path) {
            reasons.add(new Reason(code, message, path));
        }

        private JsonNode present(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value;
        }

        private <T> T wrongType(String field, String expected) {
            failed.add(field);
            reject("invalid_field", "'" + field + "' must be " + expected + ".", "/" + field);
            return null;
        }
    }

    private SegmentEventValidator() {
    }
}
