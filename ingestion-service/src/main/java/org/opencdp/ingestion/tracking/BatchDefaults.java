package org.opencdp.ingestion.tracking;

import java.time.DateTimeException;
import java.time.Instant;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.problem.CdpException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a request says for all its events: in a batch body, {@code sentAt} (analytics-java and
 * analytics-node set it once per batch), and {@code context} and {@code integrations}, which
 * Segment merges into each event's own (the event's keys win); for any call, {@code gpc}: the
 * request's {@code Sec-GPC: 1} header, set as {@code context.gpc: true} whatever the event says
 * ({@link GlobalPrivacyControl}).
 */
record BatchDefaults(Instant sentAt, ObjectNode context, ObjectNode integrations, boolean gpc) {

    /** A single-event call without {@code Sec-GPC}: no defaults. */
    static final BatchDefaults NONE = new BatchDefaults(null, null, null, false);

    /** A single-event call: only its {@code Sec-GPC} header, if any. */
    static BatchDefaults single(boolean gpc) {
        return gpc ? new BatchDefaults(null, null, null, true) : NONE;
    }

    /**
     * The defaults of a batch body, with {@code gpc} from its request's header; a 400 problem {@code
     * invalid_batch} when they have the wrong shape.
     */
    static BatchDefaults of(ObjectNode batch, boolean gpc) {
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
        return new BatchDefaults(sentAt, object(batch, "context"), object(batch, "integrations"), gpc);
    }

    /**
     * The batch's context merged with the event's own, with {@code gpc: true} when the header said so;
     * the event's own as sent when there is nothing to add.
     */
    ObjectNode context(ObjectNode own) {
        if (!gpc) {
            return merge(context, own);
        }
        ObjectNode merged = merged(context, own);
        merged.put(GlobalPrivacyControl.CONTEXT_FIELD, true);
        return merged;
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
        return shared == null ? own : merged(shared, own);
    }

    /**
     * A new object with the members of {@code shared}, then those of {@code own} (which win), either
     * may be null. Only the top level is new: the members' values are the request's own nodes, shared
     * by every event of the batch, which is safe because nothing changes a nested node of an event
     * after it was read (what the platform adds, it adds on a copy of its own: {@link
     * SegmentEventValidator}). Copying every member deeply for every event was a cost per event of
     * its own (issue 10).
     */
    static ObjectNode merged(ObjectNode shared, ObjectNode own) {
        ObjectNode merged = MessageCodec.mapper().createObjectNode();
        if (shared != null) {
            merged.setAll(shared);
        }
        if (own != null) {
            merged.setAll(own);
        }
        return merged;
    }
}
