package org.opencdp.sdkcompat;

import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.kotlin.core.compat.ConfigurationBuilder;
import com.segment.analytics.kotlin.core.compat.JavaAnalytics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.sdkcompat.SdkPlatform.Person;
import org.opencdp.testsupport.CdpTestEnvironment;
import tools.jackson.databind.JsonNode;

/**
 * Every common SDK works unchanged (issue 10): the real Segment and RudderStack SDKs, at the
 * versions {@code src/test/js/package-lock.json} and this module's pom pin, configured only as the
 * README's "Point your SDK at OpenCDP" says, send to the whole platform (started once for the
 * class: six services take a while on two cores). A 200 is not enough: every call must reach the
 * person's profile, read back through the Profile API. (The Java SDKs are ingestion's {@code
 * SdkClientsIT}.)
 *
 * <ul>
 *   <li>Node: {@code @segment/analytics-node} ({@code host}) and {@code @rudderstack/rudder-sdk-node}
 *       ({@code dataPlaneUrl}; it posts gzip JSON as {@code application/x-www-form-urlencoded}).
 *   <li>Browser, in headless Chromium on a page of another origin (so CORS preflights happen, as on
 *       a customer's site): {@code @segment/analytics-next} ({@code cdnURL} for its settings,
 *       {@code integrations['Segment.io'].apiHost}/{@code protocol} for events) and RudderStack's
 *       {@code @rudderstack/analytics-js} (data plane URL, {@code configUrl}); a last event leaves
 *       only through the page-unload path (fetch keepalive; {@code navigator.sendBeacon}).
 *   <li>Mobile stand-in: Segment's {@code analytics-kotlin} core from Java ({@code cdnHost},
 *       {@code apiHost}, {@link PlainHttpRequestFactory}).
 * </ul>
 */
@ExtendWith(CdpTestEnvironment.class)
class SdkCompatibilityIT {

    private static SdkPlatform platform;

    @BeforeAll
    static void startPlatform() {
        platform = SdkPlatform.start(CdpTestEnvironment.current());
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldBringEveryCallOfSegmentAnalyticsNodeToTheProfile() {
        nodeSdkShouldBringEveryCallToTheProfile("segment");
    }

    @Test
    void shouldBringEveryCallOfRudderStackNodeSdkToTheProfile() {
        nodeSdkShouldBringEveryCallToTheProfile("rudderstack");
    }

    @Test
    void shouldBringEveryCallOfSegmentAnalyticsNextInChromiumToTheProfile() {
        browserSdkShouldBringEveryCallToTheProfile("segment");
    }

    @Test
    void shouldBringEveryCallOfRudderStackJavaScriptSdkInChromiumToTheProfile() {
        browserSdkShouldBringEveryCallToTheProfile("rudderstack");
    }

    @Test
    void shouldBringEveryCallOfAnalyticsKotlinToTheProfile() {
        String runId = "kotlin-" + UUID.randomUUID();
        String userId = "user-" + runId;
        URI ingestion = URI.create(platform.ingestionUrl());
        String host = ingestion.getHost() + ":" + ingestion.getPort();
        JavaAnalytics analytics = new JavaAnalytics(new ConfigurationBuilder(platform.createSource("Mobile"))
                .setApplication("sdk-compat")   // on the JVM any object; Android passes its Context
                .setCdnHost(host + "/v1")
                .setApiHost(host + "/v1")
                .setRequestFactory(new PlainHttpRequestFactory())
                .setFlushAt(1)
                .build());
        try {
            analytics.track("App Opened", Map.of("runId", runId));
            analytics.alias(userId);
            analytics.identify(userId, Map.of("email", runId + "@example.com", "name", "Ada Mobile"));
            analytics.screen("Home", Map.of("tab", "feed"), "Main");
            analytics.group("group-" + runId, Map.of("name", "Acme Inc", "employees", 120));
            analytics.track("Order Completed", Map.of("orderId", "order-" + runId, "total", 7));
            analytics.flush();
            String anonymousId = analytics.anonymousId();

            Person person = platform.awaitPerson("user_id", userId, p -> {
                assertIdentified(p, runId, "Ada Mobile");
                assertThat(p.single("track", "App Opened").path("properties").path("runId").asString())
                        .isEqualTo(runId);
                p.single("alias", null);
                assertThat(p.single("screen", "Home").path("properties").path("tab").asString()).isEqualTo("feed");
                assertGroup(p);
                assertOrder(p, runId);
            });
            platform.awaitPerson("anonymous_id", anonymousId, p -> assertThat(p.id())
                    .as("profile of the app's anonymous id").isEqualTo(person.id()));
        } finally {
            analytics.getAnalytics().shutdown();
        }
    }

    /**
     * Phase "before": a track as an anonymous visitor, who gets a profile of their own. Phase
     * "main": identify, track, page, group as the user, and alias(anonymous id → user id), which must
     * merge the visitor's profile into the user's.
     */
    private void nodeSdkShouldBringEveryCallToTheProfile(String sdk) {
        NodeScripts scripts = NodeScripts.installed();
        String runId = sdk + "-" + UUID.randomUUID();
        String userId = "user-" + runId;
        String anonymousId = "anon-" + runId;
        String run = MessageCodec.mapper().writeValueAsString(Map.of("url", platform.ingestionUrl(),
                "writeKey", platform.createSource("Node " + sdk), "userId", userId, "anonymousId", anonymousId,
                "groupId", "group-" + runId, "runId", runId));

        runNodeSdk(scripts, sdk, "before", run);
        String visitor = platform.awaitPerson("anonymous_id", anonymousId,
                person -> person.single("track", "Signed Up")).id();

        runNodeSdk(scripts, sdk, "main", run);
        Person person = platform.awaitPerson("user_id", userId, p -> {
            assertIdentified(p, runId, "Ada Node");
            assertOrder(p, runId);
            assertThat(p.single("page", "Pricing").path("properties").path("path").asString()).isEqualTo("/pricing");
            assertGroup(p);
            p.single("alias", null);
            // moved here when the alias merged the visitor's profile into the user's
            p.single("track", "Signed Up");
        });
        platform.awaitPerson("anonymous_id", anonymousId, p -> assertThat(p.id())
                    .as("profile of the alias's previousId").isEqualTo(person.id()));
        // one survives the merge (identity keeps the older profile), the other redirects to it
        List<String> survivorAndMerged = new ArrayList<>(List.of(person.id()));
        person.profile().path("mergedFrom").forEach(merged -> survivorAndMerged.add(merged.asString()));
        assertThat(survivorAndMerged).as("%s, the visitor's profile being %s", person.profile(), visitor)
                .contains(visitor);
    }

    /**
     * Page 1: track (anonymous), alias(user id), identify, page, group, track, each awaited. Page 2:
     * track, then away at once. The browser stays open until every event is on the profile.
     */
    private void browserSdkShouldBringEveryCallToTheProfile(String sdk) {
        Path chromium = Runtimes.chromium();
        NodeScripts scripts = NodeScripts.installed();
        String runId = sdk + "-" + UUID.randomUUID();
        String userId = "user-" + runId;
        String run = MessageCodec.mapper().writeValueAsString(Map.of("url", platform.ingestionUrl(),
                "writeKey", platform.createSource("Browser " + sdk), "userId", userId, "groupId", "group-" + runId,
                "runId", runId, "chromium", chromium.toString()));

        try (NodeScripts.Running browser = scripts.start("browser-sdks.mjs", sdk, run)) {
            JsonNode result = MessageCodec.mapper().readTree(browser.awaitJsonLine(SdkPlatform.PATIENCE));
            assertThat(result.path("failure").isMissingNode()).as("the browser run: %s", result).isTrue();
            assertThat(result.path("errors").isEmpty()).as("failed requests in the browser: %s", result).isTrue();
            // cross-origin calls with an Authorization header only leave the browser after a CORS preflight
            assertThat(result.path("requests").valueStream())
                    .as("the browser's requests to ingestion: %s", result.path("requests"))
                    .anySatisfy(r -> {
                        assertThat(r.path("method").asString()).isEqualTo("GET");
                        assertThat(r.path("status").asInt()).isEqualTo(200);
                    })
                    .anySatisfy(r -> {
                        assertThat(r.path("method").asString()).isEqualTo("POST");
                        assertThat(r.path("authorization").asBoolean()).isTrue();
                        assertThat(r.path("status").asInt()).isEqualTo(200);
                    });
            String anonymousId = result.path("anonymousId").asString();
            assertThat(anonymousId).as("%s", result).isNotBlank();

            Person person = platform.awaitPerson("user_id", userId, p -> {
                assertIdentified(p, runId, "Ada Browser");
                assertThat(p.single("track", "Viewed Pricing").path("properties").path("runId").asString())
                        .isEqualTo(runId);
                p.single("alias", null);
                assertThat(p.single("page", "Getting Started").path("properties").path("path").asString())
                        .isEqualTo("/docs/start");
                assertGroup(p);
                assertOrder(p, runId);
                // sent on the second page, delivered only as the page unloaded
                p.single("track", "Checkout Started");
            });
            platform.awaitPerson("anonymous_id", anonymousId, p -> assertThat(p.id())
                    .as("profile of the browser's anonymous id").isEqualTo(person.id()));
        }
    }

    private static void assertIdentified(Person p, String runId, String name) {
        assertThat(p.trait("email")).as("email of %s", p.profile()).isEqualTo(runId + "@example.com");
        assertThat(p.trait("name")).as("name of %s", p.profile()).isEqualTo(name);
        p.single("identify", null);
    }

    private static void assertGroup(Person p) {
        JsonNode group = p.single("group", null);
        assertThat(group.path("traits").path("name").asString()).as("group traits of %s", group).isEqualTo("Acme Inc");
    }

    private static void assertOrder(Person p, String runId) {
        assertThat(p.single("track", "Order Completed").path("properties").path("orderId").asString())
                .isEqualTo("order-" + runId);
    }

    private static void runNodeSdk(NodeScripts scripts, String sdk, String phase, String run) {
        NodeScripts.Finished finished = scripts.run("node-sdks.mjs", Duration.ofSeconds(90), sdk, phase, run);
        assertThat(finished.exitCode()).as("%s %s:\n%s", sdk, phase, finished.output()).isZero();
    }
}
