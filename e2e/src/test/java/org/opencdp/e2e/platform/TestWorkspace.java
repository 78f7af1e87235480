package org.opencdp.e2e.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.local.PlatformService.ACTIVATION;
import static org.opencdp.local.PlatformService.CONSENT;
import static org.opencdp.local.PlatformService.IDENTITY;
import static org.opencdp.local.PlatformService.INGESTION;
import static org.opencdp.local.PlatformService.PROFILE;
import static org.opencdp.local.PlatformService.SEGMENTATION;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.opencdp.kit.security.Scopes;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.Workspaces;
import tools.jackson.databind.JsonNode;

/**
 * One fresh workspace on the {@link SharedPlatform}, set up as a marketer would: a source, a "plan
 * is pro" segment and a webhook destination on it gated on marketing consent; and the calls the
 * e2e tests make in it (Tracking API, consent, privacy requests) with patient waits for the
 * asynchronous results.
 */
public final class TestWorkspace {

    /** Every scope a marketer's token has: sources, profiles, segments, destinations, consent, privacy. */
    public static final String SCOPES = String.join(" ", Scopes.SOURCES_WRITE, Scopes.PROFILES_READ,
            Scopes.SEGMENTS_WRITE, Scopes.SEGMENTS_READ, Scopes.DESTINATIONS_WRITE, Scopes.DESTINATIONS_READ,
            Scopes.CONSENT_WRITE, Scopes.CONSENT_READ, Scopes.PRIVACY_WRITE, Scopes.PRIVACY_READ);

    public final String id = Workspaces.fresh();
    public final String token;
    public final String writeKey;
    public final String segmentId;
    public final String destinationId;

    private TestWorkspace(WebhookReceiver webhook, String scopes) {
        token = SharedPlatform.token(id, scopes);
        writeKey = body(api(INGESTION).post("/v1/sources", token, Map.of("name", "Web")), 201)
                .path("writeKey").asString();
        segmentId = body(api(SEGMENTATION).post("/v1/segments", token, Map.of("name", "Pro plan",
                "condition", Map.of("trait", "plan", "op", "eq", "value", "pro"))), 201).path("id").asString();
        destinationId = body(api(ACTIVATION).post("/v1/destinations", token, Map.of(
                "name", "CRM hook", "type", "webhook",
                "config", Map.of("url", webhook.url(), "secret", "e2e-" + UUID.randomUUID()),
                "requiredPurposes", List.of("marketing"),
                "subscriptions", Map.of("events", List.of("Order Completed"), "segments", List.of(segmentId)))), 201)
                .path("id").asString();
    }

    /** A fresh workspace whose token has {@link #SCOPES}, its deliveries going to {@link SharedPlatform#webhook()}. */
    public static TestWorkspace create() {
        return new TestWorkspace(SharedPlatform.webhook(), SCOPES);
    }

    public ApiClient api(PlatformService service) {
        return SharedPlatform.api(service);
    }

    /** Sends an identify call; returns its message id. */
    public String identify(String anonymousId, String userId, Map<String, Object> traits) {
        Map<String, Object> call = new LinkedHashMap<>();
        String messageId = UUID.randomUUID().toString();
        call.put("messageId", messageId);
        call.put("traits", traits);
        if (anonymousId != null) {
            call.put("anonymousId", anonymousId);
        }
        if (userId != null) {
            call.put("userId", userId);
        }
        body(api(INGESTION).track("/v1/identify", writeKey, call), 200);
        return messageId;
    }

    public void track(String anonymousId, String userId, String event) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("messageId", UUID.randomUUID().toString());
        call.put("event", event);
        call.put("properties", Map.of("total", 42));
        if (anonymousId != null) {
            call.put("anonymousId", anonymousId);
        }
        if (userId != null) {
            call.put("userId", userId);
        }
        body(api(INGESTION).track("/v1/track", writeKey, call), 200);
    }

    public void grantMarketing(String profileId) {
        body(api(CONSENT).put("/v1/consent", token, Map.of("profileId", profileId,
                "purposes", Map.of("marketing", "granted"),
                "source", "e2e", "legalBasis", "consent", "jurisdiction", "EU")), 200);
    }

    /** The profile identity resolved the identifier to, once it has. */
    public String awaitProfileOf(String type, String value) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        patiently().until(() -> {
            last.set(api(IDENTITY).get("/v1/identities/" + type + "/" + encode(value), token));
            return last.get().statusCode() == 200;
        });
        // the profile service has it too, so later reads of it are not racing its creation
        String profileId = ApiClient.json(last.get()).path("profileId").asString();
        patiently().until(() -> api(PROFILE).get("/v1/profiles/" + profileId, token).statusCode() == 200);
        return profileId;
    }

    /** The survivor once the identifier's profile and {@code first} and {@code second} are one. */
    public String awaitMergedProfileOf(String type, String value, String userId, String first, String second) {
        AtomicReference<String> survivor = new AtomicReference<>();
        patiently().until(() -> {
            String of = ApiClient.json(api(IDENTITY).get("/v1/identities/" + type + "/" + encode(value), token))
                    .path("profileId").asString();
            String ofFirst = ApiClient.json(api(IDENTITY).get("/v1/identities/user_id/" + encode(userId), token))
                    .path("profileId").asString();
            survivor.set(of);
            return of.equals(ofFirst) && List.of(first, second).contains(of);
        });
        return survivor.get();
    }

    public JsonNode privacyRequest(String type, Map<String, Object> subject) {
        Map<String, Object> request = new LinkedHashMap<>(subject);
        request.put("type", type);
        return body(api(CONSENT).post("/v1/privacy/requests", token, request), 202);
    }

    /** The request once it completed; fails at once if it failed. */
    public JsonNode awaitCompleted(Set<String> services, String requestId) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        patiently().untilAsserted(() -> {
            last.set(body(api(CONSENT).get("/v1/privacy/requests/" + requestId, token), 200));
            assertThat(last.get().path("status").asString()).as("%s", last.get()).isNotEqualTo("failed");
            assertThat(last.get().path("status").asString()).as("%s", last.get()).isEqualTo("completed");
        });
        JsonNode done = last.get();
        List<String> notCompleted = new ArrayList<>();
        done.path("services").properties().forEach(e -> {
            if (!"completed".equals(e.getValue().path("status").asString())) {
                notCompleted.add(e.getKey());
            }
        });
        assertThat(new TreeSet<>(done.path("services").propertyNames())).as("%s", done).isEqualTo(new TreeSet<>(services));
        assertThat(notCompleted).as("%s", done).isEmpty();
        return done;
    }

    public void assertGone(PlatformService service, String path) {
        patiently().untilAsserted(() -> assertThat(api(service).get(path, token).statusCode())
                .as("%s %s", service, path).isEqualTo(404));
    }

    /** Generous: six services share two cores here, with other builds beside them. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static ConditionFactory patiently() {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500));
    }
}
