package org.opencdp.ingestion.tracking;

/**
 * Why the Tracking API refused events: the {@code reason} tag of {@code cdp.ingestion.events.rejected}
 * (issue 17). A small fixed set, named after the problem or reason codes it groups, so that the
 * series per source stay bounded.
 */
enum Rejection {
    /** The body is not one JSON object ({@code invalid_json}); counts one per request. */
    invalid_json,
    /** Over a size limit: {@code payload_too_large} (one per request), {@code event_too_large}, {@code batch_too_large}. */
    too_large,
    /** The batch's own fields are unusable ({@code invalid_batch}): counts its events, or one when it has none. */
    invalid_batch,
    /** Breaks the Segment spec ({@code invalid_event} and its reasons: {@code missing_field}, {@code invalid_type}, ...). */
    invalid_event,
    /** Holds U+0000, which no service could store ({@code invalid_character}). */
    invalid_character,
    /** Blocked by the source's tracking plan ({@code unplanned_event}, {@code schema_violation}, ...). */
    tracking_plan,
    /** Dropped because a person in it is suppressed. */
    suppressed;

    /** The rejection of one event refused for {@code reasonCode} (its first reason's code). */
    static Rejection ofEvent(String reasonCode) {
        return switch (reasonCode) {
            case "event_too_large" -> too_large;
            case "invalid_character" -> invalid_character;
            default -> invalid_event;
        };
    }
}
