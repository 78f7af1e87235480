package org.opencdp.activation.delivery;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.activation.connector.Connector;
import org.opencdp.activation.connector.ConnectorTarget;
import org.opencdp.activation.connector.OutboundDelivery;
import org.opencdp.activation.connector.SendOutcome;
import org.opencdp.activation.destination.DestinationRef;
import org.opencdp.activation.identifiers.IdentifierService.ProfileKey;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
import org.opencdp.kit.tracing.TraceContexts;
import org.springframework.stereotype.Component;

/**
 * What one destination's worker does with the deliveries a round allowed for it ({@link
 * DestinationLanes}): send them through the connector, turn each answer into an outcome (retry with
 * jittered backoff honouring Retry-After within the retry window, or a dead letter), store what an
 * audience destination confirmed and record the outcomes. Nothing here waits on another destination,
 * so a destination that is down, slow or trickling delays only its own deliveries.
 *
 * <p>Tracing: a destination's share is sent in one span ({@code deliver <type>}) whose parent is the
 * trace context its first delivery was queued in, linked to the other deliveries' contexts, as a
 * consumer batch is; the connector's calls are its children. A delivery sent alone (the usual case at
 * low volume) therefore stays in its event's trace, webhook call included.
 */
@Component
class DestinationSender {

    private final AudienceSync audiences;
    private final OutcomeRecorder recorder;
    private final ActivationProperties properties;
    private final Backoff backoff;
    private final Clock clock = Clock.systemUTC();
    private final TraceContexts traces;

    DestinationSender(AudienceSync audiences, OutcomeRecorder recorder, ActivationProperties properties,
                      TraceContexts traces) {
        this.traces = traces;
        this.audiences = audiences;
        this.recorder = recorder;
        this.properties = properties;
        this.backoff = new Backoff(properties.retryBaseDelay(), properties.retryMaxDelay());
    }

    /**
     * One destination's share of a round: where it goes, what consent allowed ({@code allowed}), which
     * of those are audience syncs ({@code syncs}) and the e-mails and phones of their profiles.
     */
    record Batch(DestinationRef destination, Connector connector, ConnectorTarget target,
                 List<DeliveryDispatcher.Allowed> allowed, List<DeliveryDispatcher.Allowed> syncs,
                 Map<ProfileKey, ProfileIdentifiers> identifiers) {
    }

    /** Sends {@code batch}, every call ending by {@code deadline}, and records what became of each delivery. */
    void send(Batch batch, Instant deadline) {
        Span span = span(batch);
        try (Tracer.SpanInScope ignored = traces.tracer().withSpan(span)) {
            sendInSpan(batch, deadline);
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private Span span(Batch batch) {
        return traces.continuingFirst(batch.allowed().stream().map(one -> one.delivery().traceparent()).toList())
                .name("deliver " + batch.connector().type())
                .tag("cdp.destination.type", batch.connector().type())
                .tag("cdp.destination.id", batch.destination().id().toString())
                .tag("cdp.deliveries", batch.allowed().size()).start();
    }

    private void sendInSpan(Batch batch, Instant deadline) {
        List<OutboundDelivery> outbound = batch.allowed().stream().map(one -> new OutboundDelivery(one.delivery().id(),
                one.delivery().destinationId(), one.delivery().workspaceId(), one.delivery().profileId(),
                one.decisionId(), one.kind(), one.delivery().payload(),
                batch.identifiers().getOrDefault(new ProfileKey(one.delivery().workspaceId(), one.delivery().profileId()),
                        ProfileIdentifiers.NONE))).toList();
        Map<UUID, SendOutcome> sent = batch.connector().send(batch.target(), outbound, deadline);
        List<DeliveryOutcome> outcomes = batch.allowed().stream().map(one -> outcomeOf(one, sent.getOrDefault(
                one.delivery().id(), new SendOutcome.RetryLater("the connector reported no outcome", null)))).toList();
        audiences.confirm(batch.syncs(), outcomes);
        recorder.record(outcomes);
    }

    private DeliveryOutcome outcomeOf(DeliveryDispatcher.Allowed one, SendOutcome outcome) {
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
    private DeliveryOutcome retryOrGiveUp(DeliveryDispatcher.Allowed one, int attempts, SendOutcome.RetryLater retry) {
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
}
