package org.opencdp.activation.delivery;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.kit.paging.PageCursor;

/** The position in a delivery log: the last item's creation time and id, as the kit's {@link PageCursor}. */
record DeliveryCursor(Instant createdAt, UUID id) {

    String encode() {
        return PageCursor.encode(createdAt.toString(), id.toString());
    }

    /** The position after which the page starts; empty for the first page. */
    static Optional<DeliveryCursor> after(String cursor) {
        return PageCursor.after(cursor, 2, keys -> new DeliveryCursor(Instant.parse(keys.get(0)), UUID.fromString(keys.get(1))));
    }
}
