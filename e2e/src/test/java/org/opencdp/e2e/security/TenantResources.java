package org.opencdp.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.local.PlatformService.ACTIVATION;
import static org.opencdp.local.PlatformService.CONSENT;
import static org.opencdp.local.PlatformService.IDENTITY;
import static org.opencdp.local.PlatformService.INGESTION;
import static org.opencdp.local.PlatformService.PROFILE;
import static org.opencdp.local.PlatformService.SEGMENTATION;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;
import tools.jackson.databind.JsonNode;

/**
 * Real resources of every kind in one workspace, made through the public APIs as a customer would: a
 * source with a tracking plan, a person identified through the Tracking API (so identity, profile and
 * consent know them), their consent and a decision, a segment, a webhook destination, a computed
 * trait, identity rules, purposes and a retention setting. Each name carries the workspace's marker.
 */
final class TenantResources {

    /** Six services share two cores here. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final Function<PlatformService, ApiClient> api;
    private final String token;

    TenantResources(Function<PlatformService, ApiClient> api, String token) {
        this.api = api;
        this.token = token;
    }

    /**
     * Creates one resource of every kind in the token's workspace; an {@code ACCESS} privacy request
     * about the person too when {@code privacyRequests} (consent-service serves them).
     */
    ResourceIds create(boolean privacyRequests) {
        String marker = "tenant" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String purposeKey = "purpose_" + marker;
        String blockedValue = "blocked-" + marker;
        body(api.apply(CONSENT).put("/v1/purposes", token, Map.of("purposes", List.of(
                Map.of("key", "marketing", "name", "Marketing"),
                Map.of("key", purposeKey, "name", "Purpose " + marker)))), 200);
        body(api.apply(IDENTITY).put("/v1/identity-rules", token, Map.of("blockedValues", List.of(blockedValue))), 200);
        body(api.apply(PROFILE).put("/v1/settings/retention", token, Map.of("retentionDays", ResourceIds.RETENTION_DAYS)), 200);

        JsonNode source = body(api.apply(INGESTION).post("/v1/sources", token, Map.of("name", "Source " + marker)), 201);
        String sourceId = source.path("id").asString();
        String writeKey = source.path("writeKey").asString();
        body(api.apply(INGESTION).put("/v1/sources/" + sourceId + "/tracking-plan", token, Map.of(
                "events", Map.of("Order Completed", Map.of("type", "object")),
                "unplannedEvents", "allow", "invalidEvents", "allow")), 200);

        String userId = "user-" + marker;
        String email = marker + "@example.com";
        body(api.apply(INGESTION).track("/v1/identify", writeKey, Map.of("userId", userId,
                "traits", Map.of("email", email, "plan", "pro", "name", "Person " + marker),
                "messageId", UUID.randomUUID().toString())), 200);
        String profileId = awaitProfileOf(userId);
        patiently().until(() -> api.apply(PROFILE).get("/v1/profiles/" + profileId, token).statusCode() == 200);
        patiently().until(() -> api.apply(CONSENT).put("/v1/consent", token, Map.of("profileId", profileId,
                "purposes", Map.of("marketing", "granted"), "source", "e2e", "legalBasis", "consent",
                "jurisdiction", "EU")).statusCode() == 200);
        String decisionId = decision(profileId).path("decisionId").asString();

        String segmentId = body(api.apply(SEGMENTATION).post("/v1/segments", token, Map.of("name", "Segment " + marker,
                "condition", Map.of("trait", "plan", "op", "eq", "value", "pro"))), 201).path("id").asString();
        String destinationId = body(api.apply(ACTIVATION).post("/v1/destinations", token, Map.of(
                "name", "Destination " + marker, "type", "webhook",
                "config", Map.of("url", "http://localhost:9/" + marker, "secret", "secret-" + marker),
                "requiredPurposes", List.of("marketing"),
                "subscriptions", Map.of("events", List.of("Never Sent"), "segments", List.of(segmentId)))), 201)
                .path("id").asString();
        String computedTraitKey = "ct_" + marker;
        body(api.apply(PROFILE).post("/v1/computed-traits", token, Map.of("key", computedTraitKey,
                "name", "Trait " + marker, "aggregation", "count", "event", "Order Completed")), 201);
        String privacyRequestId = privacyRequests ? body(api.apply(CONSENT).post("/v1/privacy/requests", token,
                Map.of("type", "ACCESS", "profileId", profileId)), 202).path("id").asString() : null;
        return new ResourceIds(marker, sourceId, writeKey, userId, email, profileId, segmentId, destinationId,
                computedTraitKey, decisionId, purposeKey, blockedValue, privacyRequestId);
    }

    /** Asserts that every resource {@link #create()} made is still there, as it was made. */
    void assertUnchanged(ResourceIds ids) {
        JsonNode source = body(api.apply(INGESTION).get("/v1/sources/" + ids.sourceId(), token), 200);
        assertThat(source.path("name").asString()).as("%s", source).isEqualTo("Source " + ids.marker());
        assertThat(source.path("enabled").asBoolean(true)).as("%s", source).isTrue();
        body(api.apply(INGESTION).get("/v1/sources/" + ids.sourceId() + "/tracking-plan", token), 200);
        body(api.apply(INGESTION).track("/v1/track", ids.writeKey(), Map.of("userId", ids.userId(),
                "event", "Still Here", "messageId", UUID.randomUUID().toString())), 200);
        assertThat(body(api.apply(IDENTITY).get("/v1/identity-rules", token), 200).toString()).contains(ids.blockedValue());
        assertThat(body(api.apply(CONSENT).get("/v1/purposes", token), 200).toString()).contains(ids.purposeKey());
        assertThat(body(api.apply(PROFILE).get("/v1/settings/retention", token), 200).toString())
                .contains(String.valueOf(ResourceIds.RETENTION_DAYS));
        body(api.apply(PROFILE).get("/v1/profiles/" + ids.profileId(), token), 200);
        body(api.apply(PROFILE).get("/v1/computed-traits/" + ids.computedTraitKey(), token), 200);
        JsonNode segment = body(api.apply(SEGMENTATION).get("/v1/segments/" + ids.segmentId(), token), 200);
        assertThat(segment.path("name").asString()).as("%s", segment).isEqualTo("Segment " + ids.marker());
        JsonNode destination = body(api.apply(ACTIVATION).get("/v1/destinations/" + ids.destinationId(), token), 200);
        assertThat(destination.path("name").asString()).as("%s", destination).isEqualTo("Destination " + ids.marker());
        body(api.apply(CONSENT).get("/v1/consent/decisions/" + ids.decisionId(), token), 200);
        if (ids.privacyRequestId() != null) {
            body(api.apply(CONSENT).get("/v1/privacy/requests/" + ids.privacyRequestId(), token), 200);
        }
        JsonNode decision = decision(ids.profileId());
        assertThat(decision.path("decision").asString()).as("marketing consent of %s: %s", ids.profileId(), decision)
                .isEqualTo("allow");
    }

    private JsonNode decision(String profileId) {
        JsonNode decisions = body(api.apply(CONSENT).post("/v1/consent/decisions", token, Map.of(
                "purposes", List.of("marketing"), "profileIds", List.of(profileId))), 200);
        assertThat(decisions.path("decisions").size()).as("%s", decisions).isEqualTo(1);
        return decisions.path("decisions").get(0);
    }

    private String awaitProfileOf(String userId) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        patiently().until(() -> {
            last.set(api.apply(IDENTITY).get("/v1/identities/user_id/" + userId, token));
            return last.get().statusCode() == 200;
        });
        String profileId = ApiClient.json(last.get()).path("profileId").asString();
        assertThat(profileId).as("%s", last.get().body()).isNotBlank();
        return profileId;
    }

    private static org.awaitility.core.ConditionFactory patiently() {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300));
    }
}
