package org.opencdp.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.e2e.platform.TestWorkspace.patiently;
import static org.opencdp.local.PlatformService.CONSENT;
import static org.opencdp.local.PlatformService.INGESTION;
import static org.opencdp.local.PlatformService.PROFILE;
import static org.opencdp.local.PlatformService.SEGMENTATION;
import static org.opencdp.testsupport.ApiClient.body;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.e2e.platform.SharedPlatform;
import org.opencdp.e2e.platform.TestWorkspace;
import org.opencdp.e2e.platform.WebhookReceiver;
import org.opencdp.e2e.platform.WebhookReceiver.Received;

/**
 * Issue 16: every consumer keeps to the workspace of the message it applies. Two workspaces send
 * the very same ids — user id, anonymous id, e-mail, message ids — with different traits; each
 * service's state (profiles, traits, memberships, consent, deliveries) stays each workspace's own,
 * and neither workspace's events are taken for the other's duplicates.
 */
@ExtendWith(SharedPlatform.class)
class ConsumersStayInTheirWorkspaceIT {

    private final WebhookReceiver webhook = SharedPlatform.webhook();

    @Test
    void shouldKeepEachWorkspacesStateApartWhenTheirIdsCollide() {
        TestWorkspace a = TestWorkspace.create();
        TestWorkspace b = TestWorkspace.create();
        String userId = "collide-" + UUID.randomUUID();
        String email = userId + "@example.com";
        String identifyId = UUID.randomUUID().toString();
        String orderId = UUID.randomUUID().toString();

        send(a, "/v1/identify", Map.of("messageId", identifyId, "userId", userId, "anonymousId", "anon-" + userId,
                "traits", Map.of("email", email, "plan", "pro")));
        send(b, "/v1/identify", Map.of("messageId", identifyId, "userId", userId, "anonymousId", "anon-" + userId,
                "traits", Map.of("email", email, "plan", "free")));
        String profileA = a.awaitProfileOf("user_id", userId);
        String profileB = b.awaitProfileOf("user_id", userId);
        a.grantMarketing(profileA);
        b.grantMarketing(profileB);
        send(a, "/v1/track", Map.of("messageId", orderId, "userId", userId, "event", "Order Completed",
                "properties", Map.of("total", 1)));
        send(b, "/v1/track", Map.of("messageId", orderId, "userId", userId, "event", "Order Completed",
                "properties", Map.of("total", 2)));

        // each workspace's own profile, with its own traits (the same message id is not B's duplicate)
        patiently().untilAsserted(() -> {
            assertThat(trait(a, profileA, "plan")).isEqualTo("pro");
            assertThat(trait(b, profileB, "plan")).isEqualTo("free");
        });
        assertThat(a.api(PROFILE).get("/v1/profiles/" + profileB, a.token).statusCode())
                .as("B's profile id in A").isEqualTo(404);
        // memberships: the same segment definition holds A's person only
        patiently().untilAsserted(() -> assertThat(segmentsOf(a, profileA)).contains(a.segmentId));
        assertThat(segmentsOf(b, profileB)).doesNotContain(b.segmentId).doesNotContain(a.segmentId);
        // consent: each workspace's statement about its own profile
        assertThat(body(b.api(CONSENT).get("/v1/profiles/" + profileB + "/consent", b.token), 200).toString())
                .contains("marketing");
        assertThat(a.api(CONSENT).get("/v1/profiles/" + profileB + "/consent", a.token).statusCode()).isEqualTo(404);
        // deliveries: each destination gets its own workspace's order, once
        patiently().untilAsserted(() -> {
            assertThat(orders(a.id)).singleElement().satisfies(r -> assertThat(r.json().path("event").path("properties")
                    .path("total").asInt()).isEqualTo(1));
            assertThat(orders(b.id)).singleElement().satisfies(r -> assertThat(r.json().path("event").path("properties")
                    .path("total").asInt()).isEqualTo(2));
        });
        assertThat(webhook.received()).filteredOn(r -> List.of(profileA, profileB).contains(r.profileId()))
                .allSatisfy(r -> assertThat(r.json().path("workspaceId").asString())
                        .isEqualTo(r.profileId().equals(profileA) ? a.id : b.id));
    }

    private static void send(TestWorkspace workspace, String path, Map<String, Object> call) {
        body(workspace.api(INGESTION).track(path, workspace.writeKey, call), 200);
    }

    private static String trait(TestWorkspace workspace, String profileId, String trait) {
        return body(workspace.api(PROFILE).get("/v1/profiles/" + profileId, workspace.token), 200).path("traits")
                .path(trait).asString();
    }

    /** The profile's memberships as the segmentation API answers them. */
    private static String segmentsOf(TestWorkspace workspace, String profileId) {
        return body(workspace.api(SEGMENTATION).get("/v1/profiles/" + profileId + "/segments", workspace.token), 200)
                .toString();
    }

    private List<Received> orders(String workspaceId) {
        return webhook.received().stream()
                .filter(r -> "event".equals(r.kind()) && workspaceId.equals(r.json().path("workspaceId").asString()))
                .toList();
    }
}
