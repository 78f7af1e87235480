package org.opencdp.ingestion.tracking;

import java.time.DateTimeException;
import java.time.Instant;
import org.opencdp.kit.problem.CdpException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a batch body says for all its events: {@code sentAt} (analytics-java and analytics-node
 * set it once per batch), and {@code context} and {@code integrations}, which Segment merges into
 * each event's own (the event's keys win).
 */
record BatchDefaults(Instant sentAt, ObjectNode context, ObjectNode integrations) {

    /** A single-event call: no defaults. */
    static final BatchDefaults NONE = new BatchDefaults(null, null, null);

    /** The defaults of a batch body; a 400 problem {@code invalid_batch} when they have the wrong shape. */
    static BatchDefaults of(ObjectNode batch) {
        Instant sentAt = null;
        JsonNode sent = present(batch, "sentAt");
        if (sent != null) {
            try {
                sentAt = EventTimestamps.parse(sent.isString() ? sent.asString() : "");
            } catch (DateTimeException e) {
                throw CdpException.badRequest("invalid_batch",
                        "The batch's 'sentAt' must be an ISO-8601 date-time between the years 0001 and 9999.");
            }
        }
        return new BatchDefaults(sentAt, object(batch, "context"), object(batch, "integrations"));
    }

    ObjectNode context(ObjectNode own) {
        return merge(context, own);
    }

    ObjectNode integrations(ObjectNode own) {
        return merge(integrations, own);
    }

    private static ObjectNode object(ObjectNode batch, String field) {
        JsonNode value = present(batch, field);
        if (value == null || value instanceof ObjectNode) {
            return (ObjectNode) value;
        }
        throw CdpException.badRequest("invalid_batch", "The batch's '" + field + "' must be a JSON object.");
    }

    private static JsonNode present(ObjectNode batch, String field) {
        JsonNode value = batch.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static ObjectNode merge(ObjectNode shared, ObjectNode own) {
        if (shared == null) {
            return own;
        }
        ObjectNode merged = shared.deepCopy();
        if (own != null) {
            merged.setAll(own);
        }
        return merged;
    }
}
