package org.opencdp.e2e.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 17: the kit carries one trace from an HTTP request through the outbox, the relay, Kafka and a
 * consumer batch, whose outbox write starts the next hop, and so on, on real Kafka and PostgreSQL; and
 * counts consumed messages once their chunk committed.
 */
@CdpIntegrationTest
@SpringBootTest(classes = TracedKitApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=traced-kit", "cdp.kit.service=tracedkit",
                "management.tracing.sampling.probability=1.0",
                "spring.flyway.locations=classpath:db/kit", "cdp.kit.outbox.poll-interval=50ms"})
class KitTracingIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    TracedKitApplication.RecordedSpans spans;

    @Autowired
    TracedKitApplication.Chains chains;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldFollowARequestThroughEveryOutboxRelayKafkaAndConsumerHopInOneTrace() {
        String token = CdpTestEnvironment.current().token("ws_traced", "notes:write");
        assertThat(ApiClient.onPort(port).post("/v1/chains/c1", token, "").statusCode()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> chains.arrived("c1", TracedKitApplication.HOPS));

        // the request's span, then per hop: the relay's send (child of what wrote the row), the batch's
        // consume (child of the send, via the traceparent header), whose outbox write the next send continues
        int expected = 1 + 2 * TracedKitApplication.HOPS;
        List<SpanData> trace = await().atMost(PATIENCE)
                .alias("spans recorded: " + spans.exporter().getFinishedSpanItems().stream().map(SpanData::getName).toList())
                .until(this::requestTrace, found -> found.size() >= expected);
        assertThat(trace).hasSize(expected);

        SpanData request = trace.getFirst();
        assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(request.getParentSpanContext().isValid()).isFalse();
        SpanData parent = request;
        for (int hop = 1; hop <= TracedKitApplication.HOPS; hop++) {
            SpanData send = childOf(trace, parent);
            assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(send.getName()).isEqualTo("send " + Topics.CONSENT_CHANGES);
            SpanData consume = childOf(trace, send);
            assertThat(consume.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(consume.getName()).isEqualTo("consume traced-hops");
            assertThat(consume.getParentSpanContext().isRemote()).isTrue();
            parent = consume;
        }
    }

    /** Issue 17: cdp_consumer_messages_total counted a chunk run again after losing a race at commit twice. */
    @Test
    void shouldCountAMessageOnceWhenItsChunkIsRunAgainAfterLosingARaceAtCommit() {
        double before = applied();
        String token = CdpTestEnvironment.current().token("ws_traced", "notes:write");
        assertThat(ApiClient.onPort(port).post("/v1/chains/retry-once", token, "").statusCode()).isEqualTo(202);

        await().atMost(PATIENCE).until(() -> chains.arrived("retry-once", TracedKitApplication.HOPS)
                && applied() - before >= TracedKitApplication.HOPS);
        assertThat(applied() - before).isEqualTo(TracedKitApplication.HOPS);
    }

    private double applied() {
        return meters.get("cdp.consumer.messages").tag("consumer", "traced-hops").tag("outcome", "applied")
                .counter().count();
    }

    /** Every span of the trace the chain request started, in the order they started. */
    private List<SpanData> requestTrace() {
        List<SpanData> all = new ArrayList<>(spans.exporter().getFinishedSpanItems());
        String traceId = all.stream()
                .filter(span -> span.getKind() == SpanKind.SERVER && span.getName().contains("/v1/chains"))
                .map(SpanData::getTraceId).findFirst().orElse(null);
        return all.stream().filter(span -> span.getTraceId().equals(traceId))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    private static SpanData childOf(List<SpanData> trace, SpanData parent) {
        List<SpanData> children = trace.stream()
                .filter(span -> span.getParentSpanId().equals(parent.getSpanId())).toList();
        assertThat(children).as("children of %s", parent.getName()).hasSize(1);
        return children.getFirst();
    }
}
