package org.opencdp.activation.delivery;

import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.work.BackgroundLoop;
import org.springframework.stereotype.Component;

/**
 * Runs dispatch rounds on a background thread: again at once while rounds come back full, else
 * after {@code cdp.activation.dispatch-interval} or as soon as new deliveries are queued. Safe with
 * many instances: rounds claim disjoint deliveries ({@code FOR UPDATE SKIP LOCKED} and leases).
 */
@Component
class DispatcherLoop extends BackgroundLoop {

    private final DeliveryDispatcher dispatcher;
    private final int batchSize;

    DispatcherLoop(DeliveryDispatcher dispatcher, ActivationProperties properties) {
        super("activation-dispatcher", properties.dispatchInterval());
        this.dispatcher = dispatcher;
        this.batchSize = properties.batchSize();
    }

    @Override
    protected boolean runRound() {
        return dispatcher.dispatchOnce() >= batchSize;
    }
}
