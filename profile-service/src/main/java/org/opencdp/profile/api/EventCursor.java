package org.opencdp.profile.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.profile.events.EventPosition;

/**
 * The opaque {@code cursor} of a profile's event history: base64url of the last item's event time
 * and messageId. Callers must not build or parse it; anything that is not one answers 400
 * {@code invalid_cursor}.
 */
final class EventCursor {

    private static final char SEPARATOR = '|';

    static String encode(EventPosition position) {
        String plain = position.occurredAt().toString() + SEPARATOR + position.messageId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static EventPosition decode(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int separator = plain.indexOf(SEPARATOR);
            if (separator <= 0 || separator == plain.length() - 1) {
                throw invalid();
            }
            return new EventPosition(Instant.parse(plain.substring(0, separator)), plain.substring(separator + 1));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw invalid();
        }
    }

    private static CdpException invalid() {
        return CdpException.badRequest("invalid_cursor",
                "The cursor is not one this API returned; pass the nextCursor of the previous page as it is.");
    }

    private EventCursor() {
    }
}
