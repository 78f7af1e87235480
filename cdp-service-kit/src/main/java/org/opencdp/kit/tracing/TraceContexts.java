package org.opencdp.kit.tracing;

import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The one place the kit (and a service) reads and writes W3C trace context where Micrometer's
 * automatic instrumentation does not reach: rows that carry work from one transaction to a later one
 * (the outbox, activation's delivery queue) and Kafka records the kit publishes and consumes itself.
 * Context is kept as the {@value #TRACEPARENT} header's text ({@code 00-<trace id>-<span id>-<flags>}),
 * which is what travels in Kafka headers beside the CloudEvents headers and in outbound HTTP calls.
 *
 * <p>With tracing off (no tracer in the context) every method is a cheap no-op: {@link #current}
 * answers {@code null} and spans are no-op spans.
 */
public final class TraceContexts {

    /** The W3C Trace Context header (and outbox column) name. */
    public static final String TRACEPARENT = "traceparent";

    /** At most this many links on one span: OpenTelemetry's default limit. */
    static final int MAX_LINKS = 128;

    private static final TraceContexts NOOP = new TraceContexts(Tracer.NOOP, Propagator.NOOP);

    private final Tracer tracer;
    private final Propagator propagator;

    public TraceContexts(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Tracing off: nothing is recorded or propagated. */
    public static TraceContexts noop() {
        return NOOP;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The current span's {@value #TRACEPARENT}, or {@code null} when no span is current. */
    public String current() {
        Span span = tracer.currentSpan();
        return span == null || span.isNoop() ? null : traceparentOf(span);
    }

    /** {@code span}'s {@value #TRACEPARENT}, to hand on to what it causes. */
    public String traceparentOf(Span span) {
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** Writes {@code span}'s propagation headers ({@value #TRACEPARENT}, and any baggage) through {@code header}. */
    public void inject(Span span, BiConsumer<String, String> header) {
        propagator.inject(span.context(), header, BiConsumer::accept);
    }

    /**
     * A span builder whose parent is the remote context {@code traceparent} names; without one (null,
     * blank or malformed) the span starts a trace of its own (or continues the current span, if any).
     */
    public Span.Builder continuing(String traceparent) {
        if (TraceParent.parse(traceparent) == null) {
            return tracer.spanBuilder();
        }
        return propagator.extract(traceparent, (carrier, key) -> TRACEPARENT.equals(key) ? carrier : null);
    }

    /**
     * A span builder for work on many items that each came with a context (a consumer poll's records,
     * a destination's deliveries): its parent is the first of {@code traceparents} that names one, and it
     * links to the other distinct ones (at most {@value #MAX_LINKS}, OpenTelemetry's default limit per
     * span). The first item's trace thus goes on through the work; the others' end at a link to it.
     */
    public Span.Builder continuingFirst(Iterable<String> traceparents) {
        String parent = null;
        Set<String> others = new LinkedHashSet<>();
        for (String traceparent : traceparents) {
            if (TraceParent.parse(traceparent) == null) {
                continue;
            }
            if (parent == null) {
                parent = traceparent;
            } else if (others.size() < MAX_LINKS && !traceparent.equals(parent)) {
                others.add(traceparent);
            }
        }
        Span.Builder builder = continuing(parent);
        for (String other : others) {
            builder.addLink(linkTo(other));
        }
        return builder;
    }

    /** A link to the context {@code traceparent} names, or {@code null} when it names none. */
    public Link linkTo(String traceparent) {
        TraceParent parsed = TraceParent.parse(traceparent);
        if (parsed == null) {
            return null;
        }
        TraceContext context = tracer.traceContextBuilder().traceId(parsed.traceId()).spanId(parsed.spanId())
                .sampled(parsed.sampled()).build();
        return new Link(context);
    }
}
