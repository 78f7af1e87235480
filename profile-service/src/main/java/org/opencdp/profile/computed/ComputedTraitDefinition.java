package org.opencdp.profile.computed;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.Path;
import org.opencdp.profile.profiles.CodePoints;
import tools.jackson.databind.JsonNode;

/**
 * A computed trait of a workspace: an {@link Aggregation} of the {@code event} track events of each
 * profile (optionally of one property, filtered by {@code where}, within a sliding window), and how
 * far its backfill got.
 *
 * @param property the property as given ({@code product.price}), null for {@code count}
 * @param propertyPath its segments (a dotted path of the shared condition language, {@code docs/conditions.md})
 * @param where leaves of the shared condition language on the event's properties, all of which must hold
 * @param within the window as given ({@code P30D}), null when the trait covers every event
 * @param window its length
 * @param between a fixed range of event times instead of {@code within} (null without one)
 * @param hidden owned by another service (segmentation's {@code event} nodes): left out of the default list
 * @param backfillCursor the last profile id backfilled (profiles are backfilled in id order)
 */
record ComputedTraitDefinition(String workspaceId, String key, String name, Aggregation aggregation, String event,
                               String property, List<String> propertyPath, List<Leaf> where,
                               String within, Duration window, Between between, boolean hidden,
                               Status status, String backfillCursor,
                               long processed, long total, Instant createdAt, Instant updatedAt) {

    ComputedTraitDefinition {
        propertyPath = propertyPath == null ? List.of() : List.copyOf(propertyPath);
        where = List.copyOf(where);
    }

    /**
     * Where the trait is in its life; the constant names are the API and stored names. {@code failed}:
     * the stored definition can no longer be read (e.g. a {@code where} the shared condition language
     * refuses since issue 11); it is kept, shown and deletable, but computes nothing.
     */
    enum Status {
        backfilling, ready, deleting, failed
    }

    Optional<Duration> windowLength() {
        return Optional.ofNullable(window);
    }

    /**
     * Whether an event of {@code profileId} updates this trait incrementally: once the trait is
     * ready, or once the backfill has passed the profile (before that, the backfill computes it from
     * the stored events, the new one included). Exact for a definition read under the hand-over
     * locks ({@link HandOverLocks}), which keep its backfill batches and the events over its event
     * name apart (issue 18), or read after locking a profile that already existed (its batch locks
     * it too).
     */
    boolean tracksIncrementally(String profileId) {
        return switch (status) {
            case ready -> true;
            case backfilling -> backfillCursor != null && CodePoints.compare(profileId, backfillCursor) <= 0;
            case deleting, failed -> false;
        };
    }

    /** Whether an event with these properties passes every {@code where} condition. */
    boolean matches(JsonNode properties) {
        return where.stream().allMatch(condition -> condition.matches(properties));
    }

    /** Whether an event at {@code occurredAt} is inside the {@code between} range (always, without one). */
    boolean inRange(Instant occurredAt) {
        return between == null || between.contains(occurredAt);
    }

    /** The value the aggregation reads from an event's properties (null for {@code count}). */
    JsonNode valueIn(JsonNode properties) {
        return aggregation.needsProperty() ? new Path(propertyPath).at(properties) : null;
    }
}
