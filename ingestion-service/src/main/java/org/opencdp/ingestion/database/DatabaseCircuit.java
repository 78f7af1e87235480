package org.opencdp.ingestion.database;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.kafka.ConsumerErrorKind;
import org.opencdp.kit.kafka.ErrorClassifier;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

/**
 * Guards the PostgreSQL queries of the Tracking API's hot path (write-key lookups, tracking plans,
 * rate-limit leases) so that a database outage answers quickly instead of hanging calls on the
 * pool's 30 s connection timeout (issue 15). A query waits at most {@code
 * cdp.ingestion.database.timeout}; one that fails for the infrastructure ({@link ErrorClassifier}:
 * no connection, a refused or timed-out statement) or takes longer <em>opens</em> the circuit.
 * While it is open, queries fail at once with {@link DatabaseUnavailableException} without touching
 * the pool, except one probe every {@code cdp.ingestion.database.retry-interval} (half-open): its
 * success closes the circuit. Callers serve what they already know (cached keys and plans, a local
 * rate allowance) and answer 503 {@code database_unavailable} for the rest.
 *
 * <p>A query runs on a virtual thread of its own, so a caller can stop waiting for it; one that
 * timed out finishes (or fails) in the background. At most one probe is under way at a time, so an
 * outage leaves at most a handful of such threads waiting on the pool.
 */
@Component
public class DatabaseCircuit implements DisposableBean {

    /** 1 while the circuit is open (the hot path does not reach the database), else 0. */
    public static final String OPEN_GAUGE = "cdp.ingestion.database.circuit_open";
    /** Calls served from memory because the database could not be read (tag {@code served}). */
    public static final String FALLBACKS = "cdp.ingestion.database.fallbacks";

    private static final Logger log = LoggerFactory.getLogger(DatabaseCircuit.class);

    private final Duration timeout;
    private final long retryNanos;
    private final Duration retryAfter;
    private final LongSupplier nanoClock;
    private final MeterRegistry meters;
    private final ExecutorService queries = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("cdp-db-query-", 0).factory());
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean open;
    private volatile long openedAt;

    @Autowired
    DatabaseCircuit(IngestionProperties properties, MeterRegistry meters) {
        this(properties.database().timeout(), properties.database().retryInterval(), properties.retryAfter(),
                System::nanoTime, meters);
        Gauge.builder(OPEN_GAUGE, this, circuit -> circuit.open ? 1 : 0)
                .description("1 while the Tracking API does not reach PostgreSQL and serves what it knows")
                .register(meters);
    }

    DatabaseCircuit(Duration timeout, Duration retryInterval, Duration retryAfter, LongSupplier nanoClock,
                    MeterRegistry meters) {
        this.meters = meters;
        this.timeout = timeout;
        this.retryNanos = retryInterval.toNanos();
        this.retryAfter = retryAfter;
        this.nanoClock = nanoClock;
    }

    /** Whether the circuit is open: the database failed and has not answered a probe since. */
    public boolean isOpen() {
        return open;
    }

    /**
     * Counts a call served from memory because the database could not be read: {@code served} is
     * what stood in for it ({@code write_key}, {@code tracking_plan}, {@code rate_limit}).
     */
    public void countFallback(String served) {
        fallbacks(meters, served).increment();
    }

    /** The counter {@value #FALLBACKS} of {@code served}; see {@link #countFallback}. */
    public static Counter fallbacks(MeterRegistry meters, String served) {
        return Counter.builder(FALLBACKS).description("Tracking API calls served from memory while PostgreSQL was "
                + "unreachable").tag("served", served).register(meters);
    }

    /**
     * Runs {@code query} and returns its result; throws {@link DatabaseUnavailableException} when the
     * circuit is open (and it is not time for a probe), or the query fails for the infrastructure or
     * does not answer within the timeout. Other failures (a bug, a constraint) are rethrown as they are
     * and leave the circuit as it was.
     */
    public <T> T call(Supplier<T> query) {
        boolean probe = false;
        if (open) {
            if (nanoClock.getAsLong() - openedAt < retryNanos || !probing.compareAndSet(false, true)) {
                throw unavailable();
            }
            probe = true;
        }
        try {
            T result = run(query);
            close();
            return result;
        } finally {
            if (probe) {
                probing.set(false);
            }
        }
    }

    private <T> T run(Supplier<T> query) {
        Future<T> future = queries.submit(query::get);
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw failed("no answer within " + timeout);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (ErrorClassifier.classify(cause) == ConsumerErrorKind.infrastructure) {
                throw failed(NestedExceptionUtils.getMostSpecificCause(cause).toString());
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    private DatabaseUnavailableException failed(String why) {
        openedAt = nanoClock.getAsLong();
        if (!open) {
            open = true;
            log.warn("PostgreSQL is unreachable ({}): the Tracking API serves cached write keys, tracking plans and a "
                    + "local rate allowance, and answers 503 database_unavailable for the rest; trying again every {} ms",
                    why, retryNanos / 1_000_000);
        }
        return unavailable();
    }

    private void close() {
        if (open) {
            open = false;
            log.info("PostgreSQL answers again: the Tracking API uses it again");
        }
    }

    private DatabaseUnavailableException unavailable() {
        return new DatabaseUnavailableException(retryAfter);
    }

    @Override
    public void destroy() {
        queries.shutdownNow();
    }

    /**
     * The 503 problem {@code database_unavailable} with {@code Retry-After}: what a Tracking API call
     * needed from PostgreSQL could not be read. SDKs send the events again.
     */
    public static final class DatabaseUnavailableException extends CdpException {
        public DatabaseUnavailableException(Duration retryAfter) {
            super(ErrorKind.UNAVAILABLE, "database_unavailable", "Service unavailable",
                    "The database is unreachable and this call needs what only it knows (a write key not seen "
                            + "recently, say); send the events again after the Retry-After delay.");
            retryAfter(retryAfter);
        }
    }
}
