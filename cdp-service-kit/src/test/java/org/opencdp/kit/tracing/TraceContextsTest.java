package org.opencdp.kit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 17: trace context read from and written to rows and records, on the OpenTelemetry SDK in memory. */
class TraceContextsTest {

    private static final String FIRST = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String SECOND = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
    private final io.opentelemetry.api.trace.Tracer otel = provider.get("test");
    private final TraceContexts traces = new TraceContexts(
            new OtelTracer(otel, new OtelCurrentTraceContext(), event -> { }),
            new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void shouldContinueTheFirstContextAndLinkTheOtherDistinctOnes() {
        traces.continuingFirst(Arrays.asList(null, "garbage", FIRST, SECOND, FIRST, SECOND)).name("batch").start().end();

        SpanData span = exported.getFinishedSpanItems().getFirst();
        assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getLinks()).extracting(LinkData::getSpanContext)
                .extracting(context -> context.getTraceId() + "/" + context.getSpanId())
                .containsExactly("4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7");
    }

    @Test
    void shouldStartATraceOfItsOwnWhenNothingCarriesAContext() {
        traces.continuingFirst(List.of()).name("batch").start().end();

        assertThat(exported.getFinishedSpanItems().getFirst().getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void shouldHandOnTheCurrentSpansTraceparentAndNothingWithoutOne() {
        assertThat(traces.current()).isNull();
        Span span = traces.continuing(FIRST).name("request").start();
        try (Tracer.SpanInScope ignored = traces.tracer().withSpan(span)) {
            assertThat(traces.current()).matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01")
                    .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-" + span.context().spanId() + "-01");
        } finally {
            span.end();
        }
        assertThat(traces.current()).isNull();
    }

    @Test
    void shouldDoNothingWithTracingOff() {
        assertThat(TraceContexts.noop().current()).isNull();
        TraceContexts.noop().continuingFirst(List.of(FIRST)).name("batch").start().end();
        assertThat(TraceContexts.noop().linkTo("nonsense")).isNull();
    }
}
