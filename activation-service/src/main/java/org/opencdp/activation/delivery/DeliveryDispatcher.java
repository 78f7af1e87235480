package org.opencdp.activation.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.activation.connector.Connector;
import org.opencdp.activation.connector.ConnectorTarget;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.activation.connector.OutboundDelivery;
import org.opencdp.activation.connector.SendOutcome;
import org.opencdp.activation.consent.ConsentClient;
import org.opencdp.activation.consent.ConsentDecision;
import org.opencdp.activation.consent.ConsentUnavailableException;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One dispatch round: claim due deliveries, ask consent-service once per destination, and send
 * only what it allowed, outside any database transaction. Denied deliveries are blocked for good;
 * when consent-service cannot answer, deliveries wait without using an attempt (never sent, never
 * dropped); failed sends are retried with exponential backoff until they run out of attempts.
 */
@Component
class DeliveryDispatcher {

    private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);
    static final String CONSENT_UNAVAILABLE = "consent-service unavailable: ";
    /** Waiting for consent-service backs off too, but never so long that its return goes unnoticed. */
    private static final Duration LONGEST_CONSENT_WAIT = Duration.ofMinutes(1);

    private final DeliveryRepository deliveries;
    private final DestinationService destinations;
    private final ConsentClient consent;
    private final Connectors connectors;
    private final ActivationProperties properties;
    private final Backoff backoff;
    private final Backoff waitBackoff;
    private final MeterRegistry meters;

    DeliveryDispatcher(DeliveryRepository deliveries, DestinationService destinations, ConsentClient consent,
                       Connectors connectors, ActivationProperties properties, MeterRegistry meters) {
        this.deliveries = deliveries;
        this.destinations = destinations;
        this.consent = consent;
        this.connectors = connectors;
        this.properties = properties;
        this.backoff = new Backoff(properties.retryBaseDelay(), properties.retryMaxDelay());
        Duration longestWait = properties.retryMaxDelay().compareTo(LONGEST_CONSENT_WAIT) < 0
                ? properties.retryMaxDelay() : LONGEST_CONSENT_WAIT;
        this.waitBackoff = new Backoff(properties.retryBaseDelay(),
                longestWait.compareTo(properties.retryBaseDelay()) < 0 ? properties.retryBaseDelay() : longestWait);
        this.meters = meters;
    }

    /** Runs one round; returns how many deliveries it claimed. */
    int dispatchOnce() {
        List<ClaimedDelivery> claimed = deliveries.claimDue(properties.batchSize(), properties.lease());
        Map<DestinationKey, List<ClaimedDelivery>> byDestination = new LinkedHashMap<>();
        for (ClaimedDelivery delivery : claimed) {
            byDestination.computeIfAbsent(new DestinationKey(delivery.workspaceId(), delivery.destinationId()),
                    key -> new ArrayList<>()).add(delivery);
        }
        byDestination.forEach((key, batch) -> {
            try {
                dispatch(key, batch);
            } catch (RuntimeException e) {
                // the leases run out and the deliveries are claimed again
                log.warn("Dispatching {} deliveries to destination {} failed; they will be retried", batch.size(),
                        key.destinationId(), e);
            }
        });
        return claimed.size();
    }

    private void dispatch(DestinationKey key, List<ClaimedDelivery> batch) {
        Optional<Destination> found = destinations.find(key.workspaceId(), key.destinationId());
        if (found.isEmpty()) {
            return; // deleted meanwhile: its deliveries went with it
        }
        Destination destination = found.get();
        Optional<Connector> connector = connectors.find(destination.type());
        if (connector.isEmpty()) {
            batch.forEach(delivery -> record(delivery, "dead", deliveries.markDead(delivery, null, delivery.attempts(),
                    "no connector for destination type '" + destination.type() + "'")));
            return;
        }
        Map<String, ConsentDecision> decisions;
        try {
            LinkedHashSet<String> profileIds = new LinkedHashSet<>();
            batch.forEach(delivery -> profileIds.add(delivery.profileId()));
            decisions = consent.decide(key.workspaceId(), destination.requiredPurposes(), profileIds);
        } catch (ConsentUnavailableException e) {
            log.warn("consent-service could not decide {} deliveries to destination {}: {}", batch.size(),
                    key.destinationId(), e.getMessage());
            batch.forEach(delivery -> postpone(delivery, CONSENT_UNAVAILABLE + e.getMessage()));
            return;
        }
        Map<UUID, ClaimedDelivery> allowed = new LinkedHashMap<>();
        List<OutboundDelivery> outbound = new ArrayList<>();
        for (ClaimedDelivery delivery : batch) {
            ConsentDecision decision = decisions.get(delivery.profileId());
            if (decision == null) {
                postpone(delivery, CONSENT_UNAVAILABLE + "no decision for profile " + delivery.profileId());
            } else if (!decision.allowed()) {
                record(delivery, "blocked_by_consent", deliveries.markBlockedByConsent(delivery, decision.decisionId()));
            } else {
                allowed.put(delivery.id(), delivery);
                outbound.add(new OutboundDelivery(delivery.id(), delivery.destinationId(), delivery.workspaceId(),
                        delivery.profileId(), decision.decisionId(), delivery.kind(), delivery.payload()));
            }
        }
        if (outbound.isEmpty()) {
            return;
        }
        ConnectorTarget target;
        try {
            target = destinations.target(destination);
        } catch (IllegalStateException e) {
            log.error("Destination {} cannot be prepared: {}", destination.id(), e.getMessage());
            allowed.values().forEach(delivery -> postpone(delivery, e.getMessage()));
            return;
        }
        Map<UUID, SendOutcome> outcomes = connector.get().send(target, outbound);
        for (OutboundDelivery sent : outbound) {
            SendOutcome outcome = outcomes.getOrDefault(sent.id(),
                    new SendOutcome.RetryLater("the connector reported no outcome", null));
            recordSend(allowed.get(sent.id()), sent.consentDecisionId(), outcome);
        }
    }

    private void recordSend(ClaimedDelivery delivery, String decisionId, SendOutcome outcome) {
        int attempts = delivery.attempts() + 1;
        switch (outcome) {
            case SendOutcome.Delivered delivered ->
                    record(delivery, "delivered", deliveries.markDelivered(delivery, decisionId, attempts));
            case SendOutcome.Rejected rejected ->
                    record(delivery, "dead", deliveries.markDead(delivery, decisionId, attempts, rejected.error()));
            case SendOutcome.RetryLater retry when attempts >= properties.maxAttempts() ->
                    record(delivery, "dead", deliveries.markDead(delivery, decisionId, attempts,
                            "gave up after " + attempts + " attempts: " + retry.error()));
            case SendOutcome.RetryLater retry ->
                    record(delivery, "retry", deliveries.markForRetry(delivery, decisionId, attempts,
                            backoff.after(attempts, retry.retryAfter()), retry.error()));
        }
    }

    private void postpone(ClaimedDelivery delivery, String reason) {
        record(delivery, "postponed", deliveries.postpone(delivery, waitBackoff.after(delivery.waits() + 1), reason));
    }

    private void record(ClaimedDelivery delivery, String outcome, boolean stillLeased) {
        if (stillLeased) {
            meters.counter("cdp.activation.deliveries", "outcome", outcome).increment();
        } else {
            log.warn("The outcome ({}) of delivery {} was not recorded: its lease ran out (another round retries it) "
                    + "or its destination was deleted", outcome, delivery.id());
        }
    }

    private record DestinationKey(String workspaceId, UUID destinationId) {
    }
}
