package org.opencdp.activation.delivery;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.activation.connector.DeliveryKind;
import org.springframework.stereotype.Component;

/**
 * Audience sync by diff (issue 13). A membership delivery to an audience destination does not say
 * what to send: it says "look again at this profile". At dispatch its profile's desired membership
 * (the newest version of every subscribed segment, {@link AudienceRepository#recordDesired}) is
 * compared with what the destination last confirmed, and only the difference leaves:
 *
 * <ul>
 *   <li>in step, or the profile was merged away (the survivor's sync covers its identifiers): nothing
 *       is sent ({@link Step.Nothing});</li>
 *   <li>should not be a member: a removal, never blocked by consent ({@link Step.Remove});</li>
 *   <li>should be a member: asked of consent-service even when in step (consent may have been
 *       withdrawn, issue 12): allowed, an addition unless the destination already holds it; denied, a
 *       removal unless the destination is known not to hold it ({@link Step.Add}).</li>
 * </ul>
 *
 * Every delivery re-reads the state when it is dispatched, so a retried or late "enter" sends what the
 * profile's membership is now and can never overtake a later "exit"; repeated and reordered
 * messages converge. The claim keeps one membership delivery per destination and profile in flight
 * ({@link DeliveryRepository#claimDue}). After a call, what the destination confirmed is stored: the
 * state sent when it accepted, unknown ({@code null}) when the call failed.
 */
@Component
class AudienceSync {

    static final String NOTHING = "nothing to send: ";

    private final AudienceRepository repository;

    AudienceSync(AudienceRepository repository) {
        this.repository = repository;
    }

    /** What to do with one claimed delivery. */
    sealed interface Step {
        /** Not an audience sync: send it as it is, if consent allows. */
        record Send() implements Step {
        }

        /** Nothing to send; {@code note} says why. */
        record Nothing(String note) implements Step {
        }

        /** Remove the profile from the audience. */
        record Remove() implements Step {
        }

        /** Add the profile, if consent allows. */
        record Add() implements Step {
        }
    }

    /** The steps of a round's audience deliveries. */
    static final class Plan {
        private final Map<UUID, AudienceRepository.State> states;

        private Plan(Map<UUID, AudienceRepository.State> states) {
            this.states = states;
        }

        /** Whether {@code delivery} is an audience sync (else it is sent as it is). */
        boolean syncs(ClaimedDelivery delivery) {
            return states.containsKey(delivery.id());
        }

        Step step(ClaimedDelivery delivery) {
            AudienceRepository.State state = states.get(delivery.id());
            if (state == null) {
                return new Step.Send();
            }
            if (state.mergedInto() != null) {
                return new Step.Nothing(NOTHING + "the profile was merged into " + state.mergedInto());
            }
            if (!state.desired()) {
                return Boolean.FALSE.equals(state.confirmed())
                        ? new Step.Nothing(NOTHING + "the destination already does not hold the profile")
                        : new Step.Remove();
            }
            // a member is sent only with consent, and checked even when in step: consent may have been withdrawn
            return new Step.Add();
        }

        /** Whether the destination confirmed holding the profile. */
        boolean holdsMember(ClaimedDelivery delivery) {
            AudienceRepository.State state = states.get(delivery.id());
            return state != null && Boolean.TRUE.equals(state.confirmed());
        }

        /** Whether the destination may hold the profile (not known to have removed it). */
        boolean mayHoldMember(ClaimedDelivery delivery) {
            AudienceRepository.State state = states.get(delivery.id());
            return state != null && !Boolean.FALSE.equals(state.confirmed());
        }
    }

    /** The states of {@code syncs}, audience membership deliveries, in one statement. */
    Plan plan(List<ClaimedDelivery> syncs) {
        List<AudienceRepository.Key> keys = syncs.stream().map(AudienceSync::key).distinct().toList();
        Map<AudienceRepository.Key, AudienceRepository.State> states = repository.states(keys);
        Map<UUID, AudienceRepository.State> byDelivery = new HashMap<>();
        syncs.forEach(delivery -> byDelivery.put(delivery.id(),
                states.getOrDefault(key(delivery), AudienceRepository.State.UNKNOWN)));
        return new Plan(byDelivery);
    }

    /**
     * Stores what the destinations confirmed, in one statement: for each profile sent, the state sent
     * when its call was accepted, unknown otherwise (a failed call may or may not have been applied).
     */
    void confirm(List<DeliveryDispatcher.Allowed> sent, List<DeliveryOutcome> outcomes) {
        Map<UUID, DeliveryOutcome> byId = new HashMap<>();
        outcomes.forEach(outcome -> byId.put(outcome.delivery().id(), outcome));
        Map<AudienceRepository.Key, Boolean> confirmed = new LinkedHashMap<>();
        for (DeliveryDispatcher.Allowed one : sent) {
            DeliveryOutcome outcome = byId.get(one.delivery().id());
            if (outcome == null || "postponed".equals(outcome.outcome())) {
                continue; // not sent this round
            }
            confirmed.put(key(one.delivery()), outcome.status() == DeliveryStatus.delivered
                    ? one.kind() == DeliveryKind.segment_entered : null);
        }
        repository.confirm(confirmed);
    }

    static AudienceRepository.Key key(ClaimedDelivery delivery) {
        return new AudienceRepository.Key(delivery.workspaceId(), delivery.destinationId(), delivery.profileId());
    }
}
