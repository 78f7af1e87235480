package org.opencdp.activation.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.activation.connector.Connector;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.activation.connector.ConnectorTarget;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.activation.connector.OutboundDelivery;
import org.opencdp.activation.connector.SendOutcome;
import org.opencdp.activation.consent.ConsentClient;
import org.opencdp.activation.consent.ConsentDecision;
import org.opencdp.activation.consent.ConsentUnavailableException;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.activation.identifiers.IdentifierService.ProfileKey;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One dispatch round, outside any database transaction:
 *
 * <ol>
 *   <li>claim due deliveries (one statement) and read their destinations (one statement);</li>
 *   <li>ask consent-service once per workspace and set of required purposes, for every profile of
 *       the round at once (destinations sharing their purposes share the question);</li>
 *   <li>open the credentials of the destinations with allowed deliveries (one statement), read the
 *       e-mails and phones of the profiles bound for audience connectors (one statement) and send
 *       only what consent allowed;</li>
 *   <li>record every delivery's outcome in one statement.</li>
 * </ol>
 *
 * Questions to consent-service and sends to different destinations run concurrently, and every
 * send ends by the round's deadline (one consent timeout plus one send timeout from its start), so a
 * round finishes within the claim's lease whatever destinations do. Denied deliveries are blocked
 * for good; when consent-service cannot answer, deliveries wait without using an attempt (never
 * sent, never dropped); failed sends are retried with jittered exponential backoff, honouring
 * Retry-After, for {@code cdp.activation.retry-for} from the first failure (4 h by default), then
 * dead-lettered with the reason; a refusal (400, 401, 403…) is dead-lettered at once. A delivery
 * whose round failed before recording keeps its lease until it runs out, then is claimed again.
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
    private final IdentifierService identifiers;
    private final AudienceSync audiences;
    private final Connectors connectors;
    private final ActivationProperties properties;
    private final Backoff backoff;
    private final Backoff waitBackoff;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();

    DeliveryDispatcher(DeliveryRepository deliveries, DestinationService destinations, ConsentClient consent,
                       IdentifierService identifiers, AudienceSync audiences, Connectors connectors,
                       ActivationProperties properties, MeterRegistry meters) {
        this.audiences = audiences;
        this.deliveries = deliveries;
        this.destinations = destinations;
        this.consent = consent;
        this.identifiers = identifiers;
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
        Instant deadline = clock.instant().plus(properties.consent().timeout()).plus(properties.sendTimeout());
        List<ClaimedDelivery> claimed = deliveries.claimDue(properties.batchSize(), properties.lease());
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<DestinationRef, Destination> known = destinations.findAll(
                claimed.stream().map(DeliveryDispatcher::destinationOf).collect(TreeSet::new, Set::add, Set::addAll));
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        List<ClaimedDelivery> usable = new ArrayList<>();
        for (ClaimedDelivery delivery : claimed) {
            Destination destination = known.get(destinationOf(delivery));
            if (destination == null) {
                continue; // deleted meanwhile: its deliveries went with it
            }
            if (connectors.find(destination.type()).isEmpty()) {
                outcomes.add(DeliveryOutcome.dead(delivery, null, delivery.attempts(),
                        "no connector for destination type '" + destination.type() + "'"));
                continue;
            }
            usable.add(delivery);
        }
        AudienceSync.Plan plan = audiences.plan(usable.stream().filter(delivery -> delivery.kind() != DeliveryKind.event
                && connectors.require(known.get(destinationOf(delivery)).type()).syncsAudiences()).toList());
        Map<ConsentQuestion, List<ClaimedDelivery>> questions = new LinkedHashMap<>();
        Map<DestinationRef, List<Allowed>> allowed = new LinkedHashMap<>();
        for (ClaimedDelivery delivery : usable) {
            Destination destination = known.get(destinationOf(delivery));
            AudienceSync.Step step = plan.step(delivery);
            if (step instanceof AudienceSync.Step.Nothing nothing) {
                outcomes.add(DeliveryOutcome.inStep(delivery, nothing.note()));
                continue;
            }
            if (step instanceof AudienceSync.Step.Remove) {
                // removing data is always allowed: exits never wait for consent
                allowed.computeIfAbsent(destinationOf(delivery), ref -> new ArrayList<>())
                        .add(new Allowed(delivery, null, DeliveryKind.segment_exited));
                continue;
            }
            if (delivery.kind() == DeliveryKind.event) {
                String denied = EventConsent.deniedByEvent(destination.requiredPurposes(),
                        EventConsent.preferences(delivery.payload()));
                if (denied != null) {
                    // the event's own preferences deny it: a denial wins whatever consent-service recorded (issue 12)
                    outcomes.add(DeliveryOutcome.blockedByConsent(delivery, null,
                            "the event's own consent preferences deny '" + denied + "'"));
                    continue;
                }
            }
            questions.computeIfAbsent(new ConsentQuestion(delivery.workspaceId(),
                    List.copyOf(new TreeSet<>(destination.requiredPurposes()))), q -> new ArrayList<>()).add(delivery);
        }
        inParallel(questions.keySet(), question -> decide(question, questions.get(question), plan), "Asking consent",
                deadline)
                .values().forEach(decided -> {
                    outcomes.addAll(decided.outcomes());
                    decided.allowed().forEach(one -> allowed.computeIfAbsent(destinationOf(one.delivery()),
                            ref -> new ArrayList<>()).add(one));
                });
        List<DeliveryOutcome> sent = send(allowed, known, deadline);
        outcomes.addAll(sent);
        audiences.confirm(allowed.values().stream().flatMap(List::stream).filter(one -> plan.syncs(one.delivery()))
                .toList(), sent);
        recordAll(outcomes);
        return claimed.size();
    }

    /** One question to consent-service: may these deliveries' profiles leave for these purposes? */
    private Decided decide(ConsentQuestion question, List<ClaimedDelivery> batch, AudienceSync.Plan plan) {
        Map<String, ConsentDecision> decisions;
        try {
            LinkedHashSet<String> profileIds = new LinkedHashSet<>();
            batch.forEach(delivery -> profileIds.add(delivery.profileId()));
            decisions = consent.decide(question.workspaceId(), question.purposes(), profileIds);
        } catch (ConsentUnavailableException e) {
            log.warn("consent-service could not decide {} deliveries of workspace {}: {}", batch.size(),
                    question.workspaceId(), e.getMessage());
            return new Decided(batch.stream().map(delivery -> postpone(delivery, CONSENT_UNAVAILABLE + e.getMessage()))
                    .toList(), List.of());
        }
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        List<Allowed> allowed = new ArrayList<>();
        for (ClaimedDelivery delivery : batch) {
            ConsentDecision decision = decisions.get(delivery.profileId());
            if (decision == null) {
                outcomes.add(postpone(delivery, CONSENT_UNAVAILABLE + "no decision for profile " + delivery.profileId()));
            } else if (!decision.allowed() && delivery.kind() == DeliveryKind.event) {
                switch (EventConsent.judge(question.purposes(), EventConsent.preferences(delivery.payload()), decision,
                        delivery.queuedAt(), clock.instant())) {
                    case EventConsent.Verdict.Postpone postpone -> outcomes.add(postpone(delivery, postpone.reason()));
                    case EventConsent.Verdict.Block block ->
                            outcomes.add(DeliveryOutcome.blockedByConsent(delivery, decision.decisionId(), block.reason()));
                    case EventConsent.Verdict.Send send -> allowed.add(new Allowed(delivery, decision.decisionId(),
                            delivery.kind()));
                }
            } else if (!decision.allowed()) {
                if (plan.syncs(delivery) && plan.mayHoldMember(delivery)) {
                    // withdrawn consent removes the person from the audience (issue 12)
                    allowed.add(new Allowed(delivery, decision.decisionId(), DeliveryKind.segment_exited));
                } else {
                    outcomes.add(DeliveryOutcome.blockedByConsent(delivery, decision.decisionId()));
                }
            } else if (plan.syncs(delivery) && plan.holdsMember(delivery)) {
                outcomes.add(DeliveryOutcome.inStep(delivery, AudienceSync.NOTHING + "the destination already holds "
                        + "the profile"));
            } else {
                allowed.add(new Allowed(delivery, decision.decisionId(),
                        plan.syncs(delivery) ? DeliveryKind.segment_entered : delivery.kind()));
            }
        }
        return new Decided(outcomes, allowed);
    }

    /** Sends the allowed deliveries, each destination's at once and the destinations concurrently. */
    private List<DeliveryOutcome> send(Map<DestinationRef, List<Allowed>> allowed,
                                       Map<DestinationRef, Destination> known, Instant deadline) {
        if (allowed.isEmpty()) {
            return List.of();
        }
        DestinationService.Targets targets = destinations.targets(allowed.keySet().stream().map(known::get).toList());
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        targets.unusable().forEach((ref, reason) -> {
            log.error("Destination {} cannot be prepared: {}", ref.id(), reason);
            allowed.get(ref).forEach(one -> outcomes.add(postpone(one.delivery(), reason)));
        });
        List<ProfileKey> audienceProfiles = new ArrayList<>();
        targets.ready().keySet().stream()
                .filter(ref -> connectors.find(known.get(ref).type()).orElseThrow().syncsAudiences())
                .forEach(ref -> allowed.get(ref).forEach(one -> audienceProfiles.add(
                        new ProfileKey(one.delivery().workspaceId(), one.delivery().profileId()))));
        Map<ProfileKey, ProfileIdentifiers> reachable = audienceProfiles.isEmpty() ? Map.of()
                : identifiers.of(audienceProfiles);
        inParallel(targets.ready().keySet(), ref -> sendTo(connectors.find(known.get(ref).type()).orElseThrow(),
                targets.ready().get(ref), allowed.get(ref), reachable, deadline), "Sending", deadline)
                .values().forEach(outcomes::addAll);
        return outcomes;
    }

    private List<DeliveryOutcome> sendTo(Connector connector, ConnectorTarget target, List<Allowed> batch,
                                         Map<ProfileKey, ProfileIdentifiers> reachable, Instant deadline) {
        List<OutboundDelivery> outbound = batch.stream().map(one -> new OutboundDelivery(one.delivery().id(),
                one.delivery().destinationId(), one.delivery().workspaceId(), one.delivery().profileId(),
                one.decisionId(), one.kind(), one.delivery().payload(),
                reachable.getOrDefault(new ProfileKey(one.delivery().workspaceId(), one.delivery().profileId()),
                        ProfileIdentifiers.NONE))).toList();
        Map<UUID, SendOutcome> sent = connector.send(target, outbound, deadline);
        return batch.stream().map(one -> outcomeOf(one, sent.getOrDefault(one.delivery().id(),
                new SendOutcome.RetryLater("the connector reported no outcome", null)))).toList();
    }

    private DeliveryOutcome outcomeOf(Allowed one, SendOutcome outcome) {
        ClaimedDelivery delivery = one.delivery();
        int attempts = delivery.attempts() + 1;
        return switch (outcome) {
            case SendOutcome.Delivered delivered -> DeliveryOutcome.delivered(delivery, one.decisionId(), attempts);
            case SendOutcome.Rejected rejected ->
                    DeliveryOutcome.dead(delivery, one.decisionId(), attempts, rejected.error());
            case SendOutcome.RetryLater retry -> retryOrGiveUp(one, attempts, retry);
        };
    }

    /**
     * A failed send is retried within the window opened by the delivery's first failure: after a
     * jittered backoff or the destination's Retry-After, whichever is longer, but no later than the
     * window's end (one last attempt then). Once the window or the attempts are used up, it is dead.
     */
    private DeliveryOutcome retryOrGiveUp(Allowed one, int attempts, SendOutcome.RetryLater retry) {
        ClaimedDelivery delivery = one.delivery();
        Instant now = clock.instant();
        Instant since = delivery.firstFailedAt() == null ? now : delivery.firstFailedAt();
        Instant windowEnd = since.plus(properties.retryFor());
        if (attempts >= properties.maxAttempts()) {
            return DeliveryOutcome.dead(delivery, one.decisionId(), attempts,
                    "gave up after " + attempts + " attempts: " + retry.error());
        }
        if (!now.isBefore(windowEnd)) {
            return DeliveryOutcome.dead(delivery, one.decisionId(), attempts, "gave up after " + attempts
                    + " attempts over the " + human(properties.retryFor()) + " retry window: " + retry.error());
        }
        Duration delay = backoff.jittered(attempts, retry.retryAfter(), ThreadLocalRandom.current());
        Duration left = Duration.between(now, windowEnd);
        return DeliveryOutcome.retry(delivery, one.decisionId(), attempts, delay.compareTo(left) > 0 ? left : delay,
                retry.error(), since);
    }

    private static String human(Duration duration) {
        if (duration.toSecondsPart() == 0 && duration.toMillisPart() == 0) {
            return duration.toMinutes() % 60 == 0 ? duration.toHours() + " h" : duration.toMinutes() + " min";
        }
        return duration.toMillisPart() == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private DeliveryOutcome postpone(ClaimedDelivery delivery, String reason) {
        return DeliveryOutcome.postponed(delivery, waitBackoff.after(delivery.waits() + 1), reason);
    }

    /** One statement for the round's outcomes; counts those recorded, warns about those whose lease ran out. */
    private void recordAll(List<DeliveryOutcome> outcomes) {
        Set<UUID> recorded = deliveries.record(outcomes);
        for (DeliveryOutcome outcome : outcomes) {
            if (recorded.contains(outcome.delivery().id())) {
                meters.counter("cdp.activation.deliveries", "outcome", outcome.outcome()).increment();
            } else {
                log.warn("The outcome ({}) of delivery {} was not recorded: its lease ran out (another round retries "
                        + "it) or its destination was deleted", outcome.outcome(), outcome.delivery().id());
            }
        }
    }

    /**
     * Runs {@code task} for every key on its own virtual thread and returns the results of those that
     * completed. A task that fails is logged: its deliveries get no outcome this round, their leases
     * run out and another round claims them again.
     */
    private <K, R> Map<K, R> inParallel(Collection<K> keys, Function<K, R> task, String what, Instant deadline) {
        Map<K, R> results = new LinkedHashMap<>();
        Map<K, Future<R>> running = new LinkedHashMap<>();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            keys.forEach(key -> running.put(key, executor.submit(() -> task.apply(key))));
            for (Map.Entry<K, Future<R>> entry : running.entrySet()) {
                // a little past the deadline: tasks end by it themselves, this only guards against a bug
                long waitMillis = Math.max(1, Duration.between(clock.instant(), deadline).toMillis() + 2_000);
                try {
                    results.put(entry.getKey(), entry.getValue().get(waitMillis, TimeUnit.MILLISECONDS));
                } catch (ExecutionException e) {
                    log.warn("{} for {} failed; its deliveries will be retried", what, entry.getKey(), e.getCause());
                } catch (TimeoutException e) {
                    log.error("{} for {} overran the round's deadline; its deliveries will be retried when their "
                            + "lease runs out", what, entry.getKey());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            executor.shutdownNow();
        }
        return results;
    }

    private static DestinationRef destinationOf(ClaimedDelivery delivery) {
        return new DestinationRef(delivery.workspaceId(), delivery.destinationId());
    }

    /** A workspace and a set of purposes (sorted): what one call to consent-service asks about. */
    private record ConsentQuestion(String workspaceId, List<String> purposes) {
    }

    /**
     * A delivery that may leave, with the consent decision's id ({@code null} for a removal, which
     * needs none) and the kind to send (for audience syncs, what the diff asks for).
     */
    record Allowed(ClaimedDelivery delivery, String decisionId, DeliveryKind kind) {
    }

    /** What one question decided: the outcomes it settled (blocked, postponed) and the deliveries it allowed. */
    private record Decided(List<DeliveryOutcome> outcomes, List<Allowed> allowed) {
    }
}
