package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 17: what an operator sees of deliveries. The trace an event arrives in goes on through the
 * delivery queue to the webhook call (whose request carries it on in {@code traceparent}); outcomes are
 * counted per destination type; the oldest pending delivery's age is a gauge per destination type.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + ActivationServiceApplication.CONFIG_NAME,
                "cdp.kit.metrics.refresh-interval=200ms"})
class DeliveryObservabilityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final Peers peers = new Peers();

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private DestinationsApi api;
    private String workspace;
    private String profileId;
    private String hook;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        profileId = "p-" + UUID.randomUUID();
        hook = Peers.newHook();
    }

    @Test
    void shouldCallTheWebhookInTheTraceTheEventArrivedIn() {
        api.createWebhook(peers.url(hook), "whsec_" + UUID.randomUUID(), "[\"Order Completed\"]", "[]", true);
        peers.consent.decides(profileId, "allow", "dec-1");
        peers.accepts(hook);

        EventResolved order = TestMessages.track(workspace, profileId, "Order Completed");
        var record = new ProducerRecord<>(order.topic(), order.key(), MessageCodec.toJson(order));
        record.headers().add(new RecordHeader("traceparent",
                ("00-" + TRACE_ID + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8)));
        peers.upstream().send(record);

        await().atMost(TIMEOUT).until(() -> !peers.requests(hook).isEmpty());
        String traceparent = peers.requests(hook).getFirst().getHeader("traceparent");
        // same trace; the parent is the webhook call's client span, not the upstream producer
        assertThat(traceparent).startsWith("00-" + TRACE_ID + "-").doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void shouldCountOutcomesPerDestinationTypeAndGaugeTheOldestPendingDelivery() {
        // every destination type's series exist from the start
        for (String type : List.of("webhook", "meta_custom_audiences", "google_ads_customer_match", "hubspot")) {
            assertThat(meters.get("cdp.activation.oldest.pending.delivery").tag("destination_type", type).gauge())
                    .isNotNull();
            assertThat(meters.get("cdp.activation.deliveries").tag("destination_type", type)
                    .tag("outcome", "delivered").counter()).isNotNull();
        }
        double delivered = delivered("webhook");
        String destinationId = api.createWebhook(peers.url(hook), "whsec_" + UUID.randomUUID(),
                "[\"Order Completed\"]", "[]", true);
        peers.consent.decides(profileId, "allow", "dec-2");
        peers.wiremock.stubFor(post(urlEqualTo(hook)).willReturn(serverError()));

        peers.upstream().send(TestMessages.track(workspace, profileId, "Order Completed"));

        // failing, so pending: its age grows
        await().atMost(TIMEOUT).until(() -> oldestPending("webhook") > 0 && meters.get("cdp.activation.deliveries")
                .tag("destination_type", "webhook").tag("outcome", "retry").counter().count() > 0);

        peers.accepts(hook);
        await().atMost(TIMEOUT).until(() -> api.deliveries(destinationId).stream()
                .anyMatch(d -> d.path("status").asString().equals("delivered")));
        await().atMost(TIMEOUT).until(() -> oldestPending("webhook") == 0);
        assertThat(delivered("webhook") - delivered).isEqualTo(1);
        assertThat(oldestPending("hubspot")).isZero();
    }

    private double delivered(String type) {
        return meters.get("cdp.activation.deliveries").tag("destination_type", type).tag("outcome", "delivered")
                .counter().count();
    }

    private double oldestPending(String type) {
        return meters.get("cdp.activation.oldest.pending.delivery").tag("destination_type", type).gauge().value();
    }
}
