package org.opencdp.sdkcompat;

import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.kotlin.core.Configuration;
import com.segment.analytics.kotlin.core.RequestFactory;
import com.segment.analytics.kotlin.core.compat.ConfigurationBuilder;
import com.segment.analytics.kotlin.core.compat.JavaAnalytics;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.sdkcompat.SdkPlatform.Person;
import org.opencdp.testsupport.CdpTestEnvironment;
import tools.jackson.databind.JsonNode;

/**
 * Segment's {@code analytics-kotlin} core library, the core of its Android SDK, as the stand-in for
 * mobile apps (no emulator runs here), called from Java through its {@code compat} API. Pointed at
 * the platform by {@code cdnHost} (settings from ingestion's {@code /v1/projects/{writeKey}/settings},
 * whose {@code Segment.io.apiHost} it then sends to) and {@code apiHost}; the library builds {@code
 * https://} URLs, so a plain-http platform takes its {@code requestFactory} hook (README).
 */
@ExtendWith(CdpTestEnvironment.class)
class AnalyticsKotlinIT {

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
    void shouldBringEveryCallOfAnalyticsKotlinToTheProfile() {
        String runId = "kotlin-" + UUID.randomUUID();
        String userId = "user-" + runId;
        URI ingestion = URI.create(platform.ingestionUrl());
        String host = ingestion.getHost() + ":" + ingestion.getPort();
        Configuration configuration = new ConfigurationBuilder(platform.createSource("Mobile"))
                .setCdnHost(host + "/v1")
                .setApiHost(host + "/v1")
                .setRequestFactory(new PlainHttpRequestFactory())
                .setFlushAt(1)
                .build();
        JavaAnalytics analytics = new JavaAnalytics(configuration);
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
                assertThat(p.trait("email")).as("email of %s", p.profile()).isEqualTo(runId + "@example.com");
                assertThat(p.trait("name")).as("name of %s", p.profile()).isEqualTo("Ada Mobile");
                assertThat(p.single("track", "App Opened").path("properties").path("runId").asString())
                        .isEqualTo(runId);
                p.single("alias", null);
                p.single("identify", null);
                assertThat(p.single("screen", "Home").path("properties").path("tab").asString()).isEqualTo("feed");
                JsonNode group = p.single("group", null);
                assertThat(group.path("traits").path("name").asString()).as("group traits of %s", group)
                        .isEqualTo("Acme Inc");
                assertThat(p.single("track", "Order Completed").path("properties").path("orderId").asString())
                        .isEqualTo("order-" + runId);
            });
            assertThat(platform.person("anonymous_id", anonymousId).orElseThrow().id())
                    .as("profile of the app's anonymous id").isEqualTo(person.id());
        } finally {
            analytics.getAnalytics().shutdown();
        }
    }

    /**
     * analytics-kotlin's documented extension point for its connections: it builds {@code
     * https://{cdnHost}/projects/{writeKey}/settings} and {@code https://{apiHost}/b}; against a
     * platform served over plain http (as here, or {@code ./cdp up}), open them as {@code http://}.
     */
    static final class PlainHttpRequestFactory extends RequestFactory {
        @Override
        public HttpURLConnection openConnection(String url) {
            return super.openConnection(url.startsWith("https://") ? "http://" + url.substring(8) : url);
        }
    }
}
