package org.opencdp.kit.work;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.opencdp.kit.logging.ServiceLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

/**
 * A background thread that runs rounds of work: again at once while a round reports more work,
 * otherwise after {@code idleInterval} or as soon as {@link #wakeUp()} is called. A failing round
 * is retried with exponential backoff (200 ms up to 10 s), so a database or broker away for a
 * moment is waited out, never spun on. Starts after the infrastructure beans and stops before them.
 * The outbox relay, the segment builder and the delivery dispatcher are such loops. The thread
 * carries the service's name in the logging MDC ({@link ServiceLogContext}), read from {@code
 * cdp.kit.service} when the loop is a bean.
 */
public abstract class BackgroundLoop implements SmartLifecycle, EnvironmentAware {

    private static final long MIN_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final Duration idleInterval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean pendingWakeUp;
    private volatile boolean running;
    private Thread worker;
    private String service;

    protected BackgroundLoop(String name, Duration idleInterval) {
        this.name = name;
        this.idleInterval = idleInterval;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.service = environment.getProperty("cdp.kit.service");
    }

    /** One round of work; returns {@code true} when more work is waiting, so the next round starts at once. */
    protected abstract boolean runRound();

    /** Asks for a round now (new work was committed). */
    public void wakeUp() {
        lock.lock();
        try {
            pendingWakeUp = true;
            woken.signal();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long backoffMillis = 0;
        while (running) {
            try {
                boolean more = runRound();
                backoffMillis = 0;
                if (!more) {
                    pause(idleInterval.toMillis());
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                backoffMillis = Math.min(Math.max(backoffMillis * 2, MIN_BACKOFF_MILLIS), MAX_BACKOFF_MILLIS);
                log.warn("{} round failed, retrying in {} ms: {}", name, backoffMillis, e.toString(), e);
                pause(backoffMillis);
            }
        }
    }

    private void pause(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
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

    @Override
    public void start() {
        running = true;
        worker = Thread.ofPlatform().name(name).daemon().start(ServiceLogContext.wrap(service, this::loop));
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

    @Override
    public int getPhase() {
        // start after the JDBC and Kafka infrastructure, stop before it
        return Integer.MAX_VALUE - 100;
    }
}
