package org.opencdp.activation.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * What a dispatch round made of one claimed delivery. A round records the outcomes of all its
 * deliveries in one statement ({@link DeliveryRepository#record}), each only while its lease holds.
 *
 * @param outcome the metric's {@code outcome} tag ({@code delivered}, {@code retry}, {@code postponed}, …)
 * @param keepsDecision true when the stored consent decision stays as it is (no decision was made)
 * @param delay when the delivery is due again, from now; {@code null} leaves it as claimed (a final status)
 * @param firstFailedAt when its retry window opened, {@code null} while no send failed
 */
record DeliveryOutcome(
        ClaimedDelivery delivery,
        String outcome,
        DeliveryStatus status,
        boolean keepsDecision,
        String decisionId,
        int attempts,
        int waits,
        Duration delay,
        String error,
        Instant firstFailedAt) {

    /** The destination accepted it, with consent decision {@code decisionId}. */
    static DeliveryOutcome delivered(ClaimedDelivery delivery, String decisionId, int attempts) {
        return new DeliveryOutcome(delivery, "delivered", DeliveryStatus.delivered, false, decisionId, attempts,
                delivery.waits(), null, null, delivery.firstFailedAt());
    }

    /**
     * Nothing to send (issue 13): the audience destination already holds what the profile's
     * membership asks for, or the profile was merged away; {@code note} says which.
     */
    static DeliveryOutcome inStep(ClaimedDelivery delivery, String note) {
        return new DeliveryOutcome(delivery, "in_step", DeliveryStatus.delivered, false, null, delivery.attempts(),
                delivery.waits(), null, note, delivery.firstFailedAt());
    }

    /** consent-service denied it: never sent. */
    static DeliveryOutcome blockedByConsent(ClaimedDelivery delivery, String decisionId) {
        return blockedByConsent(delivery, decisionId, null);
    }

    /** Blocked by consent, saying why when the recorded decision alone does not ({@code reason} may be null). */
    static DeliveryOutcome blockedByConsent(ClaimedDelivery delivery, String decisionId, String reason) {
        return new DeliveryOutcome(delivery, "blocked_by_consent", DeliveryStatus.blocked_by_consent, false,
                decisionId, delivery.attempts(), delivery.waits(), null, reason, delivery.firstFailedAt());
    }

    /** A send failed for now: due again after {@code delay}, within the window opened at {@code firstFailedAt}. */
    static DeliveryOutcome retry(ClaimedDelivery delivery, String decisionId, int attempts, Duration delay,
                                 String error, Instant firstFailedAt) {
        return new DeliveryOutcome(delivery, "retry", DeliveryStatus.pending, false, decisionId, attempts,
                delivery.waits(), delay, error, firstFailedAt);
    }

    /** Refused, or out of attempts: a dead letter. */
    static DeliveryOutcome dead(ClaimedDelivery delivery, String decisionId, int attempts, String error) {
        return new DeliveryOutcome(delivery, "dead", DeliveryStatus.dead, false, decisionId, attempts,
                delivery.waits(), null, error, delivery.firstFailedAt());
    }

    /** Not decided (or not prepared) this round: due again after {@code delay}, without using an attempt. */
    static DeliveryOutcome postponed(ClaimedDelivery delivery, Duration delay, String error) {
        return new DeliveryOutcome(delivery, "postponed", DeliveryStatus.pending, true, null, delivery.attempts(),
                delivery.waits() + 1, delay, error, delivery.firstFailedAt());
    }
}
