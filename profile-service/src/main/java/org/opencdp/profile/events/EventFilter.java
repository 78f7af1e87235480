package org.opencdp.profile.events;

import java.time.Instant;

/**
 * Which of a profile's events a page holds: all, or only those with one name (the track event name,
 * or the page / screen name) and / or an event time in {@code [from, to)}. Each part is optional.
 */
public record EventFilter(String name, Instant from, Instant to) {

    public static final EventFilter ALL = new EventFilter(null, null, null);
}
