package org.opencdp.profile.api;

import java.time.Instant;
import java.util.Optional;
import org.opencdp.kit.paging.PageCursor;
import org.opencdp.profile.events.EventPosition;

/** The {@code cursor} of a profile's event history: the kit's {@link PageCursor} of the last item's event time and messageId. */
final class EventCursor {

    static String encode(EventPosition position) {
        return PageCursor.encode(position.occurredAt().toString(), position.messageId());
    }

    /** The position after which the page starts; empty for the first page. */
    static Optional<EventPosition> after(String cursor) {
        return PageCursor.after(cursor, 2, keys -> new EventPosition(Instant.parse(keys.get(0)), keys.get(1)));
    }

    private EventCursor() {
    }
}
