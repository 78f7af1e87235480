package org.opencdp.sdkcompat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
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
 * The browser SDKs in headless Chromium, loaded from a local page of another origin than the
 * platform's (so CORS preflights happen, as on a customer's site), unchanged but for the settings
 * the README gives: {@code @segment/analytics-next} with {@code cdnURL} (its settings come from
 * ingestion's {@code /v1/projects/{writeKey}/settings}) and {@code integrations['Segment.io']}
 * {@code apiHost}/{@code protocol}; RudderStack's {@code @rudderstack/analytics-js} with the data
 * plane URL and {@code configUrl} (ingestion's {@code /sourceConfig}). Each sends track (anonymous),
 * alias, identify, page, group and track from one page, then a track on a second page that it
 * leaves at once, so that event travels only by the page-unload path (fetch keepalive for Segment,
 * {@code navigator.sendBeacon} for RudderStack). Every event must reach one profile, which the
 * browser's anonymous id and the user id both resolve to.
 */
@ExtendWith(CdpTestEnvironment.class)
class BrowserSdksIT {

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
    void shouldBringEveryCallOfSegmentAnalyticsNextToTheProfile() {
        shouldBringEveryCallToTheProfile("segment");
    }

    @Test
    void shouldBringEveryCallOfRudderStackJavaScriptSdkToTheProfile() {
        shouldBringEveryCallToTheProfile("rudderstack");
    }

    private void shouldBringEveryCallToTheProfile(String sdk) {
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
                assertThat(p.trait("email")).as("email of %s", p.profile()).isEqualTo(runId + "@example.com");
                assertThat(p.trait("name")).as("name of %s", p.profile()).isEqualTo("Ada Browser");
                assertThat(p.single("track", "Viewed Pricing").path("properties").path("runId").asString())
                        .isEqualTo(runId);
                p.single("alias", null);
                p.single("identify", null);
                assertThat(p.single("page", "Getting Started").path("properties").path("path").asString())
                        .isEqualTo("/docs/start");
                JsonNode group = p.single("group", null);
                assertThat(group.path("traits").path("name").asString()).as("group traits of %s", group)
                        .isEqualTo("Acme Inc");
                assertThat(p.single("track", "Order Completed").path("properties").path("orderId").asString())
                        .isEqualTo("order-" + runId);
                // sent on the second page, delivered only as the page unloaded
                p.single("track", "Checkout Started");
            });
            assertThat(platform.person("anonymous_id", anonymousId).orElseThrow().id())
                    .as("profile of the browser's anonymous id").isEqualTo(person.id());
        }
    }
}
