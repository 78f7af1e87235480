package org.opencdp.activation.connector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.activation.identifiers.ProfileIdentifiers;

/**
 * A round's deliveries to one audience destination, folded into what to tell it: per profile, the
 * last change of the round wins (an entry then an exit in one round is one removal, never a removal
 * racing an addition), and every delivery folded into a change shares its outcome. Deliveries that
 * cannot be sent are settled here: a track event is refused (audience destinations take no events);
 * a profile without an e-mail or phone is retried later (its identify event may not have been
 * consumed yet), and dead-lettered with that reason when its retry window ends.
 */
final class AudienceChanges {

    static final String NO_IDENTIFIERS = "not sent: no e-mail or phone known for the profile yet";

    /** One profile's change: add it to the audience or remove it, and the deliveries it settles. */
    record Change(String profileId, boolean add, ProfileIdentifiers identifiers, List<UUID> deliveries) {
    }

    private final List<Change> adds = new ArrayList<>();
    private final List<Change> removes = new ArrayList<>();
    private final Map<UUID, SendOutcome> settled = new LinkedHashMap<>();

    static AudienceChanges of(String type, List<OutboundDelivery> deliveries) {
        AudienceChanges changes = new AudienceChanges();
        Map<String, List<OutboundDelivery>> byProfile = new LinkedHashMap<>();
        for (OutboundDelivery delivery : deliveries) {
            if (delivery.kind() == DeliveryKind.event) {
                changes.settled.put(delivery.id(), new SendOutcome.Rejected(
                        "a " + type + " destination takes segment entries and exits only"));
            } else {
                byProfile.computeIfAbsent(delivery.profileId(), p -> new ArrayList<>()).add(delivery);
            }
        }
        byProfile.forEach((profileId, ofProfile) -> {
            OutboundDelivery last = ofProfile.getLast();
            List<UUID> ids = ofProfile.stream().map(OutboundDelivery::id).toList();
            if (last.identifiers().isEmpty()) {
                ids.forEach(id -> changes.settled.put(id, new SendOutcome.RetryLater(NO_IDENTIFIERS, null)));
                return;
            }
            Change change = new Change(profileId, last.kind() == DeliveryKind.segment_entered, last.identifiers(), ids);
            (change.add() ? changes.adds : changes.removes).add(change);
        });
        return changes;
    }

    List<Change> adds() {
        return adds;
    }

    List<Change> removes() {
        return removes;
    }

    /** Outcomes decided without a call. */
    Map<UUID, SendOutcome> settled() {
        return settled;
    }

    /**
     * {@code changes} cut into consecutive parts of at most {@code maxUnits} units each ({@code
     * unitsOf} a change: rows or identifiers it becomes), never splitting a change.
     */
    static List<List<Change>> parts(List<Change> changes, int maxUnits, java.util.function.ToIntFunction<Change> unitsOf) {
        List<List<Change>> parts = new ArrayList<>();
        List<Change> current = new ArrayList<>();
        int units = 0;
        for (Change change : changes) {
            int size = unitsOf.applyAsInt(change);
            if (!current.isEmpty() && units + size > maxUnits) {
                parts.add(current);
                current = new ArrayList<>();
                units = 0;
            }
            current.add(change);
            units += size;
        }
        if (!current.isEmpty()) {
            parts.add(current);
        }
        return parts;
    }

    /** Gives every delivery of {@code part} the outcome of the call that carried it. */
    static void settle(Map<UUID, SendOutcome> outcomes, List<Change> part, SendOutcome outcome) {
        part.forEach(change -> change.deliveries().forEach(id -> outcomes.put(id, outcome)));
    }
}
