package org.opencdp.activation.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.activation.consent.ConsentDecision;
import tools.jackson.databind.JsonNode;

/**
 * The consent race (issue 12). Activation and consent-service consume the same resolved events, so
 * activation may decide an event before consent-service has recorded what that event says. An
 * event's own {@code context.consent.categoryPreferences} are therefore combined with the recorded
 * decision, a denial always winning:
 *
 * <ul>
 *   <li>the event denies one of the destination's purposes: blocked, whatever is recorded
 *       ({@link #deniedByEvent});</li>
 *   <li>consent-service allows: sent;</li>
 *   <li>consent-service denies only because it holds no statement for a purpose ({@code
 *       default_denied}, or no status) that the event itself grants: consent-service has not seen
 *       the event yet, so the delivery is postponed, never blocked for good, until {@link #SETTLE}
 *       after it was queued; then the recorded decision stands;</li>
 *   <li>any other denial (an explicit {@code denied} statement): blocked.</li>
 * </ul>
 *
 * The decision API cannot say whether it has seen a given event, so an explicit denial recorded
 * before an event that grants again is not told apart from one recorded after it: the denial wins.
 */
final class EventConsent {

    /** How long a delivery whose event grants its purposes waits for consent-service to record them. */
    static final Duration SETTLE = Duration.ofMinutes(2);
    private static final String NO_STATEMENT = "default_denied";

    /** What to do with one event delivery. */
    sealed interface Verdict {
        record Send() implements Verdict {
        }

        record Block(String reason) implements Verdict {
        }

        record Postpone(String reason) implements Verdict {
        }
    }

    /** The event's own preferences: purpose → granted, booleans only. */
    static Map<String, Boolean> preferences(JsonNode event) {
        Map<String, Boolean> preferences = new LinkedHashMap<>();
        JsonNode node = event == null ? null : event.path("context").path("consent").path("categoryPreferences");
        if (node != null && node.isObject()) {
            node.forEachEntry((purpose, value) -> {
                if (value.isBoolean()) {
                    preferences.put(purpose, value.booleanValue());
                }
            });
        }
        return preferences;
    }

    /** The first of {@code purposes} the event's own preferences deny, or {@code null}. */
    static String deniedByEvent(List<String> purposes, Map<String, Boolean> preferences) {
        return purposes.stream().filter(purpose -> Boolean.FALSE.equals(preferences.get(purpose))).findFirst()
                .orElse(null);
    }

    /** The recorded decision combined with the event's own preferences, for a delivery queued at {@code queuedAt}. */
    static Verdict judge(List<String> purposes, Map<String, Boolean> preferences, ConsentDecision recorded,
                         Instant queuedAt, Instant now) {
        String denied = deniedByEvent(purposes, preferences);
        if (denied != null) {
            return new Verdict.Block("the event's own consent preferences deny '" + denied + "'");
        }
        if (recorded.allowed()) {
            return new Verdict.Send();
        }
        boolean unseen = !preferences.isEmpty();
        for (String purpose : purposes) {
            String status = recorded.purposes().get(purpose);
            boolean grantedByRecord = "granted".equals(status) || "default_granted".equals(status);
            boolean noStatement = status == null || NO_STATEMENT.equals(status);
            if (!grantedByRecord && !(noStatement && Boolean.TRUE.equals(preferences.get(purpose)))) {
                unseen = false;
            }
        }
        if (!unseen) {
            return new Verdict.Block(null);
        }
        if (queuedAt != null && !now.isBefore(queuedAt.plus(SETTLE))) {
            return new Verdict.Block("consent-service recorded no statement for the purposes the event grants within "
                    + SETTLE.toMinutes() + " min");
        }
        return new Verdict.Postpone("waiting for consent-service to record the event's own consent preferences");
    }

    private EventConsent() {
    }
}
