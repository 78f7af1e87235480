package org.opencdp.profile.events;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Reads a profile's stored events. */
@Service
public class EventService {

    private final EventRepository events;

    EventService(EventRepository events) {
        this.events = events;
    }

    /**
     * A page of a profile's events, newest first, starting strictly after {@code after}. Keyset
     * pagination: events stored meanwhile never shift a page (a newer one shows up only on a fresh
     * first page; an older one lands in its place in the order).
     */
    public EventPage page(String workspaceId, String profileId, Optional<EventPosition> after, int limit) {
        List<StoredEvent> found = events.page(workspaceId, profileId, after, limit + 1);
        if (found.size() <= limit) {
            return new EventPage(found, Optional.empty());
        }
        List<StoredEvent> items = found.subList(0, limit);
        return new EventPage(items, Optional.of(items.getLast().position()));
    }
}
