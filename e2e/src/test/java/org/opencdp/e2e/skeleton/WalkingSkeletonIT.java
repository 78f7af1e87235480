package org.opencdp.e2e.skeleton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.body;
import static org.opencdp.local.PlatformService.ACTIVATION;
import static org.opencdp.local.PlatformService.CONSENT;
import static org.opencdp.local.PlatformService.IDENTITY;
import static org.opencdp.local.PlatformService.INGESTION;
import static org.opencdp.local.PlatformService.PROFILE;
import static org.opencdp.local.PlatformService.SEGMENTATION;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.e2e.platform.SharedPlatform;
import org.opencdp.e2e.platform.WebhookReceiver;
import org.opencdp.e2e.platform.WebhookReceiver.Received;
import org.opencdp.kit.security.Scopes;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;
import tools.jackson.databind.JsonNode;

/**
 * The walking skeleton from outside (docs/walking-skeleton.md): the six services on real Kafka and
 * PostgreSQL, a source, a segment and a consent-gated webhook destination; two people identified
 * and tracked through the Tracking API. The one who granted marketing consent reaches the webhook,
 * signed, exactly once per event and segment entry; the other one never does, and the delivery log
 * says why.
 */
@ExtendWith(SharedPlatform.class)
class WalkingSkeletonIT {

    /** Generous: six services share two cores here. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String WORKSPACE = "ws_e2e";
    private static final String WEBHOOK_SECRET = "e2e-webhook-secret-" + UUID.randomUUID();
    private static final String SCOPES = String.join(" ", Scopes.SOURCES_WRITE, Scopes.PROFILES_READ,
            Scopes.SEGMENTS_WRITE, Scopes.SEGMENTS_READ, Scopes.DESTINATIONS_WRITE, Scopes.DESTINATIONS_READ,
            Scopes.CONSENT_WRITE, Scopes.CONSENT_READ);

    private static WebhookReceiver webhook;
    private static String token;

    @BeforeAll
    static void startWebhookReceiver() {
        webhook = new WebhookReceiver();
        token = SharedPlatform.token(WORKSPACE, SCOPES);
    }

    @AfterAll
    static void stopWebhookReceiver() {
        if (webhook != null) {
            webhook.close();
        }
    }

    @Test
    void shouldDeliverTheConsentingPersonSignedAndExactlyOnceAndBlockThePersonWithoutConsent() {
        String writeKey = body(api(INGESTION).post("/v1/sources", token, Map.of("name", "Web")), 201)
                .path("writeKey").asString();
        String segmentId = body(api(SEGMENTATION).post("/v1/segments", token, Map.of("name", "Pro plan",
                "condition", Map.of("trait", "plan", "op", "eq", "value", "pro"))), 201).path("id").asString();
        String destinationId = body(api(ACTIVATION).post("/v1/destinations", token, Map.of(
                "name", "CRM hook", "type", "webhook",
                "config", Map.of("url", webhook.url(), "secret", WEBHOOK_SECRET),
                "requiredPurposes", List.of("marketing"),
                "subscriptions", Map.of("events", List.of("Order Completed"), "segments", List.of(segmentId)))), 201)
                .path("id").asString();

        // A exists (without the plan) and grants marketing before anything can put A in the segment
        identify(writeKey, "user-a", Map.of("email", "ada@example.com"));
        String profileA = awaitProfileOf("user-a");
        body(api(CONSENT).put("/v1/consent", token, Map.of("profileId", profileA,
                "purposes", Map.of("marketing", "granted"),
                "source", "e2e", "legalBasis", "consent", "jurisdiction", "EU")), 200);
        identify(writeKey, "user-a", Map.of("email", "ada@example.com", "plan", "pro"));
        // B never says anything about consent: opt-in purposes mean deny
        identify(writeKey, "user-b", Map.of("plan", "pro"));
        String profileB = awaitProfileOf("user-b");
        assertThat(profileB).as("B's profile").isNotEqualTo(profileA);

        trackOrder(writeKey, "user-a", "order-a", 120);
        trackOrder(writeKey, "user-b", "order-b", 80);

        patiently().untilAsserted(() -> {
            List<Received> forA = webhook.receivedFor(profileA);
            assertThat(forA).as("webhook requests for A so far: %s", forA)
                    .anySatisfy(r -> assertThat(isOrderCompleted(r)).isTrue())
                    .anySatisfy(r -> assertThat(isSegmentEntered(r, segmentId)).isTrue());
        });
        patiently().untilAsserted(() -> {
            List<JsonNode> forB = deliveries(destinationId, profileB);
            assertThat(forB).as("deliveries of B so far: %s", forB)
                    .anySatisfy(d -> assertThat(d.path("kind").asString()).isEqualTo("event"))
                    .anySatisfy(d -> assertThat(d.path("kind").asString()).isEqualTo("segment_entered"))
                    .allSatisfy(d -> {
                        assertThat(d.path("status").asString()).isEqualTo("blocked_by_consent");
                        assertThat(d.path("consentDecisionId").asString()).isNotBlank();
                    });
        });
        // B was decided; now nothing may reach the webhook for B, and nothing may repeat for A
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(webhook.receivedFor(profileB)).as("webhook requests for B").isEmpty();
                    List<Received> forA = webhook.receivedFor(profileA);
                    assertThat(forA.stream().filter(this::isOrderCompleted)).as("A's Order Completed, in %s", forA).hasSize(1);
                    assertThat(forA.stream().filter(r -> isSegmentEntered(r, segmentId))).as("A's entry, in %s", forA).hasSize(1);
                });

        List<Received> received = webhook.received();
        assertThat(received).as("everything the webhook received").hasSize(2).allSatisfy(r -> assertSigned(r, destinationId));
        Received order = received.stream().filter(this::isOrderCompleted).findFirst().orElseThrow();
        JsonNode event = order.json().path("event");
        assertThat(event.path("userId").asString()).isEqualTo("user-a");
        assertThat(event.path("properties").path("orderId").asString()).isEqualTo("order-a");
        assertThat(event.path("properties").path("total").asInt()).isEqualTo(120);

        patiently().untilAsserted(() -> assertThat(deliveries(destinationId, profileA))
                .as("deliveries of A").hasSize(2).allSatisfy(d -> {
                    assertThat(d.path("status").asString()).isEqualTo("delivered");
                    Received sent = received.stream().filter(r -> r.json().path("deliveryId").asString()
                            .equals(d.path("id").asString())).findFirst().orElseThrow();
                    assertThat(d.path("consentDecisionId").asString())
                            .isEqualTo(sent.json().path("consentDecisionId").asString());
                }));

        patiently().untilAsserted(() -> {
            JsonNode profile = body(api(PROFILE).get("/v1/profiles/" + profileA, token), 200);
            assertThat(profile.path("id").asString()).isEqualTo(profileA);
            assertThat(profile.path("traits").path("plan").asString()).as("%s", profile).isEqualTo("pro");
            assertThat(profile.path("traits").path("email").asString()).as("%s", profile).isEqualTo("ada@example.com");
        });
        patiently().untilAsserted(() -> {
            JsonNode segment = body(api(SEGMENTATION).get("/v1/segments/" + segmentId, token), 200);
            assertThat(segment.path("status").asString()).as("%s", segment).isEqualTo("ready");
            assertThat(segment.path("size").asInt()).as("%s", segment).isEqualTo(2);
        });
    }

    private void identify(String writeKey, String userId, Map<String, Object> traits) {
        body(api(INGESTION).track("/v1/identify", writeKey, Map.of("userId", userId, "traits", traits,
                "messageId", UUID.randomUUID().toString())), 200);
    }

    private void trackOrder(String writeKey, String userId, String orderId, int total) {
        body(api(INGESTION).track("/v1/track", writeKey, Map.of("userId", userId, "event", "Order Completed",
                "properties", Map.of("orderId", orderId, "total", total),
                "messageId", UUID.randomUUID().toString())), 200);
    }

    /** The profile identity resolved {@code userId} to, once it has. */
    private static String awaitProfileOf(String userId) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        patiently().until(() -> {
            last.set(api(IDENTITY).get("/v1/identities/user_id/" + userId, token));
            return last.get().statusCode() == 200;
        });
        String profileId = ApiClient.json(last.get()).path("profileId").asString();
        assertThat(profileId).as("%s", last.get().body()).isNotBlank();
        return profileId;
    }

    /** The destination's deliveries for one profile, every page. */
    private static List<JsonNode> deliveries(String destinationId, String profileId) {
        List<JsonNode> deliveries = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = body(api(ACTIVATION).get("/v1/destinations/" + destinationId + "/deliveries?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor), token), 200);
            page.path("items").forEach(d -> {
                if (profileId.equals(d.path("profileId").asString())) {
                    deliveries.add(d);
                }
            });
            cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
        } while (cursor != null);
        return deliveries;
    }

    private boolean isOrderCompleted(Received request) {
        return "event".equals(request.kind()) && "Order Completed".equals(request.json().path("event").path("event").asString());
    }

    private boolean isSegmentEntered(Received request, String segmentId) {
        return "segment_entered".equals(request.kind()) && segmentId.equals(request.json().path("segmentId").asString());
    }

    private static void assertSigned(Received request, String destinationId) {
        JsonNode body = request.json();
        assertThat(request.signature()).as("X-CDP-Signature of %s", request)
                .isEqualTo(request.expectedSignature(WEBHOOK_SECRET));
        assertThat(Instant.ofEpochSecond(Long.parseLong(request.timestamp())))
                .as("X-CDP-Timestamp of %s", request).isBetween(Instant.now().minusSeconds(600), Instant.now().plusSeconds(60));
        assertThat(request.deliveryIdHeader()).as("X-CDP-Delivery-Id of %s", request).isEqualTo(body.path("deliveryId").asString());
        assertThat(body.path("consentDecisionId").asString()).as("consentDecisionId of %s", request).isNotBlank();
        assertThat(body.path("destinationId").asString()).isEqualTo(destinationId);
        assertThat(body.path("workspaceId").asString()).isEqualTo(WORKSPACE);
        assertThat(body.path("sentAt").asString()).isNotBlank();
    }

    private static ApiClient api(PlatformService service) {
        return SharedPlatform.api(service);
    }

    private static ConditionFactory patiently() {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500));
    }

}
