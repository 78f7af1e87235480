package org.opencdp.activation.delivery;

import io.micrometer.core.instrument.Gauge;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.activation.connector.DeliveryKind;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.activation.consent.ConsentClient;
import org.opencdp.activation.consent.ConsentDecision;
import org.opencdp.activation.consent.ConsentUnavailableException;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.activation.identifiers.IdentifierService.ProfileKey;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
import org.opencdp.contracts.ConsentDecisionRequest;
import org.opencdp.kit.logging.ServiceLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One dispatch round, outside any database transaction, and each destination's sends after it:
 *
 * <ol>
 *   <li>claim due deliveries per destination (one statement): up to {@code batch-size} for each of up
 *       to {@code destinations-per-round} destinations, leaving out those still sending ({@link
 *       DestinationLanes#busy()}); read their destinations (one statement);</li>
 *   <li>ask consent-service once per workspace and set of required purposes, for every profile of
 *       the round at once (destinations sharing their purposes share the question);</li>
 *   <li>open the credentials of the destinations with allowed deliveries (one statement), read the
 *       e-mails and phones of the profiles bound for audience connectors (one statement);</li>
 *   <li>hand each destination's allowed deliveries to its own worker ({@link DestinationLanes},
 *       {@link DestinationSender}), which sends them and records their outcomes (one statement), and
 *       record what the round settled without sending (blocked, postponed, in step) in one statement.</li>
 * </ol>
 *
 * The round never waits for a destination: it ends once the workers are started, and the next one
 * claims for every destination that is not still sending. So a destination that is down, slow or
 * trickling its answers delays only its own deliveries (issue 13, isolation). Every call a worker
 * makes ends by the round's deadline (one consent timeout plus one send timeout from its start), so a
 * worker finishes within its deliveries' lease whatever its destination does. Denied deliveries are
 * blocked for good; when consent-service cannot answer, deliveries wait without using an attempt
 * (never sent, never dropped); failed sends are retried with jittered exponential backoff, honouring
 * Retry-After, for {@code cdp.activation.retry-for} from the first failure (4 h by default), then
 * dead-lettered with the reason; a refusal (400, 401, 403…) is dead-lettered at once. A delivery
 * whose outcome was not recorded keeps its lease until it runs out, then is claimed again.
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
    private final DestinationSender sender;
    private final OutcomeRecorder recorder;
    private final ActivationProperties properties;
    private final Backoff waitBackoff;
    private final Clock clock = Clock.systemUTC();
    private final DestinationLanes lanes = new DestinationLanes(clock);

    DeliveryDispatcher(DeliveryRepository deliveries, DestinationService destinations, ConsentClient consent,
                       IdentifierService identifiers, AudienceSync audiences, Connectors connectors,
                       DestinationSender sender, OutcomeRecorder recorder, ActivationProperties properties,
                       MeterRegistry meters) {
        this.audiences = audiences;
        this.deliveries = deliveries;
        this.destinations = destinations;
        this.consent = consent;
        this.identifiers = identifiers;
        this.connectors = connectors;
        this.sender = sender;
        this.recorder = recorder;
        this.properties = properties;
        Duration longestWait = properties.retryMaxDelay().compareTo(LONGEST_CONSENT_WAIT) < 0
                ? properties.retryMaxDelay() : LONGEST_CONSENT_WAIT;
        this.waitBackoff = new Backoff(properties.retryBaseDelay(),
                longestWait.compareTo(properties.retryBaseDelay()) < 0 ? properties.retryBaseDelay() : longestWait);
        Gauge.builder("cdp.activation.destinations.sending", lanes, DestinationLanes::size)
                .description("destinations whose worker is sending now").register(meters);
    }

    /**
     * Runs one round and returns how many destinations it claimed deliveries of; {@code whenSent} runs
     * whenever a destination's worker has finished (its next deliveries may be due).
     */
    int dispatchOnce(Runnable whenSent) {
        Instant started = clock.instant();
        Instant deadline = started.plus(properties.consent().timeout()).plus(properties.sendTimeout());
        List<ClaimedDelivery> claimed = deliveries.claimDue(properties.batchSize(), properties.destinationsPerRound(),
                properties.lease(), lanes.busy());
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
        List<Asked> asked = new ArrayList<>();
        questions.forEach((question, batch) -> chunks(batch).forEach(chunk -> asked.add(new Asked(question, chunk))));
        inParallel(asked, one -> decide(one.question(), one.deliveries(), plan), "Asking consent",
                started.plus(properties.consent().timeout()))
                .values().forEach(decided -> {
                    outcomes.addAll(decided.outcomes());
                    decided.allowed().forEach(one -> allowed.computeIfAbsent(destinationOf(one.delivery()),
                            ref -> new ArrayList<>()).add(one));
                });
        for (DestinationSender.Batch batch : prepare(allowed, known, plan, outcomes)) {
            if (!lanes.start(batch.destination(), started.plus(properties.lease()), () -> sender.send(batch, deadline),
                    whenSent)) {
                log.warn("Destination {} is already sending; its {} deliveries will be claimed again when their lease "
                        + "runs out", batch.destination().id(), batch.allowed().size());
            }
        }
        recorder.record(outcomes);
        return (int) claimed.stream().map(DeliveryDispatcher::destinationOf).distinct().count();
    }

    /** Stops handing out work and waits up to {@code patience} for the destinations' workers. */
    void stop(Duration patience) {
        lanes.stop(patience);
    }

    /**
     * {@code batch} in parts of at most {@link ConsentDecisionRequest#MAX_PROFILES} profiles, as many as
     * consent-service answers per call: a round holds up to {@code batch-size} deliveries of each of
     * {@code destinations-per-round} destinations.
     */
    private static List<List<ClaimedDelivery>> chunks(List<ClaimedDelivery> batch) {
        Map<String, List<ClaimedDelivery>> byProfile = new LinkedHashMap<>();
        batch.forEach(delivery -> byProfile.computeIfAbsent(delivery.profileId(), id -> new ArrayList<>()).add(delivery));
        List<List<ClaimedDelivery>> chunks = new ArrayList<>();
        List<ClaimedDelivery> chunk = new ArrayList<>();
        int profiles = 0;
        for (List<ClaimedDelivery> ofProfile : byProfile.values()) {
            if (profiles == ConsentDecisionRequest.MAX_PROFILES) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                profiles = 0;
            }
            chunk.addAll(ofProfile);
            profiles++;
        }
        chunks.add(chunk);
        return chunks;
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

    /**
     * Each destination's batch of allowed deliveries, ready to send: its credentials opened (one
     * statement for all) and the e-mails and phones of its profiles read for audience connectors (one
     * statement for all). A destination whose credentials cannot be opened has its deliveries
     * postponed into {@code outcomes}.
     */
    private List<DestinationSender.Batch> prepare(Map<DestinationRef, List<Allowed>> allowed,
                                                  Map<DestinationRef, Destination> known, AudienceSync.Plan plan,
                                                  List<DeliveryOutcome> outcomes) {
        if (allowed.isEmpty()) {
            return List.of();
        }
        DestinationService.Targets targets = destinations.targets(allowed.keySet().stream().map(known::get).toList());
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
        List<DestinationSender.Batch> batches = new ArrayList<>();
        targets.ready().forEach((ref, target) -> batches.add(new DestinationSender.Batch(ref,
                connectors.find(known.get(ref).type()).orElseThrow(), target, allowed.get(ref),
                allowed.get(ref).stream().filter(one -> plan.syncs(one.delivery())).toList(), reachable)));
        return batches;
    }

    private DeliveryOutcome postpone(ClaimedDelivery delivery, String reason) {
        return DeliveryOutcome.postponed(delivery, waitBackoff.after(delivery.waits() + 1), reason);
    }

    /**
     * Runs {@code task} for every key on its own virtual thread and returns the results of those that
     * completed; the tasks end by {@code deadline} themselves. A task that fails is logged: its
     * deliveries get no outcome this round, their leases run out and another round claims them again.
     */
    private <K, R> Map<K, R> inParallel(Collection<K> keys, Function<K, R> task, String what, Instant deadline) {
        Map<K, R> results = new LinkedHashMap<>();
        Map<K, Future<R>> running = new LinkedHashMap<>();
        ExecutorService executor = ServiceLogContext.virtualThreadPerTask("activation-round-");
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

    /** A workspace and a set of purposes (sorted): what a call to consent-service asks about. */
    private record ConsentQuestion(String workspaceId, List<String> purposes) {
    }

    /** One call to consent-service: a question about these deliveries' profiles. */
    private record Asked(ConsentQuestion question, List<ClaimedDelivery> deliveries) {

        @Override
        public String toString() {
            return question + " (" + deliveries.size() + " deliveries)";
        }
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
