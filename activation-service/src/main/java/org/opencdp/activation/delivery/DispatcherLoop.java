package org.opencdp.activation.delivery;

import java.time.Duration;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.work.BackgroundLoop;
import org.springframework.stereotype.Component;

/**
 * Runs dispatch rounds on a background thread: again at once while a round claimed for as many
 * destinations as it may, else after {@code cdp.activation.dispatch-interval}, as soon as new
 * deliveries are queued, or as soon as a destination's worker has finished sending (its next
 * deliveries may be waiting). Safe with many instances: rounds claim disjoint deliveries ({@code FOR
 * UPDATE SKIP LOCKED} and leases).
 */
@Component
class DispatcherLoop extends BackgroundLoop {

    private final DeliveryDispatcher dispatcher;
    private final int destinationsPerRound;
    /** How long stopping waits for the destinations' workers: they end by their round's deadline. */
    private final Duration patience;

    DispatcherLoop(DeliveryDispatcher dispatcher, ActivationProperties properties) {
        super("activation-dispatcher", properties.dispatchInterval());
        this.dispatcher = dispatcher;
        this.destinationsPerRound = properties.destinationsPerRound();
        this.patience = properties.consent().timeout().plus(properties.sendTimeout()).plusSeconds(1);
    }

    @Override
    protected boolean runRound() {
        return dispatcher.dispatchOnce(this::wakeUp) >= destinationsPerRound;
    }

    /** Stops the rounds, then lets the destinations' workers finish (and record) what they are sending. */
    @Override
    public void stop() {
        super.stop();
        dispatcher.stop(patience);
    }
}
