package org.opencdp.profile.events;

import java.util.List;
import java.util.Optional;

/** Some of a profile's events, newest first, and where the next page starts when there is one. */
public record EventPage(List<StoredEvent> items, Optional<EventPosition> next) {

    public EventPage {
        items = List.copyOf(items);
    }
}
