package org.opencdp.consent.ledger;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Global Privacy Control (issue 12): a browser's {@code Sec-GPC: 1} on a Tracking API request, kept
 * by ingestion in the event as {@code context.gpc: true}. It is recorded as an opt-out of {@link
 * #PURPOSES} at the event's time (CCPA/CPRA treat it as a request to opt out of sale and sharing),
 * and it wins over the same event's own {@code categoryPreferences} for those purposes.
 */
final class GlobalPrivacyControl {

    /** The purposes a GPC signal opts out of. */
    static final List<String> PURPOSES = List.of("data_sale", "advertising");
    /** Appended to the statement's source ({@code event:<sourceId>:gpc}), so the ledger shows why. */
    static final String SOURCE_SUFFIX = ":gpc";

    /** Whether the event's context carries the signal: {@code gpc} is {@code true} (a JSON boolean). */
    static boolean isSet(JsonNode context) {
        JsonNode gpc = context.path("gpc");
        return gpc.isBoolean() && gpc.booleanValue();
    }

    private GlobalPrivacyControl() {
    }
}
