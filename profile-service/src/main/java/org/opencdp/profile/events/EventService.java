package org.opencdp.profile.events;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** A profile's stored events: reading them page by page, and moving them on a merge. */
@Service
public class EventService {

    private final EventRepository events;

    EventService(EventRepository events) {
        this.events = events;
    }

    /**
     * A page of a profile's events that pass {@code filter}, newest first, starting strictly after
     * {@code after}. Keyset pagination: events stored meanwhile never shift a page (a newer one shows
     * up only on a fresh first page; an older one lands in its place in the order).
     */
    public EventPage page(String workspaceId, String profileId, EventFilter filter, Optional<EventPosition> after,
                          int limit) {
        List<StoredEvent> found = events.page(workspaceId, profileId, filter, after, limit + 1);
        if (found.size() <= limit) {
            return new EventPage(found, Optional.empty());
        }
        List<StoredEvent> items = found.subList(0, limit);
        return new EventPage(items, Optional.of(items.getLast().position()));
    }

    /** Moves a merged profile's events to the survivor; both profiles must be locked. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int moveEvents(String workspaceId, String fromProfileId, String toProfileId) {
        return events.reassign(workspaceId, fromProfileId, toProfileId);
    }
}
