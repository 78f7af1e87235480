package org.opencdp.activation.delivery;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.opencdp.activation.config.ActivationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs dispatch rounds on a background thread: again at once while rounds come back full, else
 * after {@code cdp.activation.dispatch-interval} or as soon as new deliveries are queued. Safe with
 * many instances: rounds claim disjoint deliveries ({@code FOR UPDATE SKIP LOCKED} and leases).
 */
@Component
class DispatcherLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DispatcherLoop.class);

    private final DeliveryDispatcher dispatcher;
    private final Duration interval;
    private final int batchSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean pendingWakeUp;
    private volatile boolean running;
    private Thread worker;

    DispatcherLoop(DeliveryDispatcher dispatcher, ActivationProperties properties) {
        this.dispatcher = dispatcher;
        this.interval = properties.dispatchInterval();
        this.batchSize = properties.batchSize();
    }

    /** Asks for a round now (new deliveries were queued or replayed). */
    void wakeUp() {
        lock.lock();
        try {
            pendingWakeUp = true;
            woken.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        running = true;
        worker = Thread.ofPlatform().name("activation-dispatcher").daemon().start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        wakeUp();
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            int claimed;
            try {
                claimed = dispatcher.dispatchOnce();
            } catch (RuntimeException e) {
                log.warn("A dispatch round failed; retrying in {}", interval, e);
                claimed = 0;
            }
            if (claimed < batchSize) {
                pause();
            }
        }
    }

    private void pause() {
        lock.lock();
        try {
            long nanos = interval.toNanos();
            while (running && !pendingWakeUp && nanos > 0) {
                nanos = woken.awaitNanos(nanos);
            }
            pendingWakeUp = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }
}
