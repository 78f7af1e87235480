package org.opencdp.kit.logging;

import io.opentelemetry.context.Context;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.MDC;
import org.springframework.core.task.TaskDecorator;

/**
 * Names the service a thread works for in the logging MDC ({@value #MDC_KEY}), so that when several
 * services share one JVM ({@code ./cdp up}) every line says whose it is. The kit sets it on every
 * thread it runs work on: HTTP requests, Kafka listener threads and {@code BatchConsumer} chunks, the
 * outbox relay and every {@code BackgroundLoop}, and the application's task executor and scheduler.
 * A thread of the service's own ({@code Executors.new...}) can wrap its tasks with {@link #wrap}, or
 * come from {@link #virtualThreadPerTask}, whose threads carry on what the thread that started them had.
 * Log patterns read it with {@code %X{service}}; structured logs carry it as a field.
 */
public final class ServiceLogContext {

    /** The MDC key: the service's short name ({@code cdp.kit.service}, e.g. {@code identity}). */
    public static final String MDC_KEY = "service";

    private ServiceLogContext() {
    }

    /** Sets the service on this thread until the returned scope is closed, which restores what was there. */
    public static Scope enter(String service) {
        String previous = MDC.get(MDC_KEY);
        if (service == null || service.isBlank()) {
            return () -> { };
        }
        MDC.put(MDC_KEY, service);
        return () -> {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        };
    }

    /** {@code task}, run with the service set on whichever thread runs it. */
    public static Runnable wrap(String service, Runnable task) {
        return () -> {
            try (Scope ignored = enter(service)) {
                task.run();
            }
        };
    }

    /**
     * An executor starting a virtual thread per task that runs with what the submitting thread had: its
     * service in the MDC (several services share one JVM under {@code ./cdp up}, and a new thread's MDC
     * is empty) and its trace context (the current span), so a worker's log lines name their service
     * and what it calls is part of the trace. Thread-per-task only: a pooled thread would keep the
     * first submitter's.
     */
    public static ExecutorService virtualThreadPerTask(String namePrefix) {
        return Executors.newThreadPerTaskExecutor(inheriting(Thread.ofVirtual().name(namePrefix, 0).factory()));
    }

    /**
     * {@code threads}, whose new threads run with the creating thread's service ({@value #MDC_KEY}) and
     * trace context; see {@link #virtualThreadPerTask}.
     */
    public static ThreadFactory inheriting(ThreadFactory threads) {
        return task -> {
            Runnable traced = Context.current().wrap(task);
            return threads.newThread(wrap(MDC.get(MDC_KEY), traced));
        };
    }

    /** A task decorator that sets the service around every task (executors and schedulers). */
    public static TaskDecorator decorator(String service) {
        return task -> wrap(service, task);
    }

    /** What {@link #enter} set; closing it restores the thread's previous value. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
