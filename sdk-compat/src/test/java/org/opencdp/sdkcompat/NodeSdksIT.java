package org.opencdp.sdkcompat;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The server SDKs for Node.js, at the versions {@code src/test/js/package-lock.json} pins, unchanged
 * but for the endpoint the README tells users to set: {@code @segment/analytics-node} ({@code host})
 * and {@code @rudderstack/rudder-sdk-node} ({@code dataPlaneUrl}; it posts gzip JSON as {@code
 * application/x-www-form-urlencoded}, issue 10). Each sends identify, track, page, group and alias;
 * every event must reach the person's profile, and the alias must merge the two profiles it names.
 */
@ExtendWith(CdpTestEnvironment.class)
class NodeSdksIT {

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
        shouldBringEveryCallToTheProfile("segment");
    }

    @Test
    void shouldBringEveryCallOfRudderStackNodeSdkToTheProfile() {
        shouldBringEveryCallToTheProfile("rudderstack");
    }

    private void shouldBringEveryCallToTheProfile(String sdk) {
        NodeScripts scripts = NodeScripts.installed();
        String runId = sdk + "-" + UUID.randomUUID();
        String userId = "user-" + runId;
        String previousId = "old-user-" + runId;
        String groupId = "group-" + runId;
        String run = MessageCodec.mapper().writeValueAsString(Map.of("url", platform.ingestionUrl(),
                "writeKey", platform.createSource("Node " + sdk), "userId", userId, "previousId", previousId,
                "groupId", groupId, "runId", runId));

        send(scripts, sdk, "before", run);
        String before = platform.awaitPerson("user_id", previousId,
                person -> person.single("track", "Signed Up")).id();

        send(scripts, sdk, "main", run);
        Person person = platform.awaitPerson("user_id", userId, p -> {
            assertThat(p.trait("email")).as("email of %s", p.profile()).isEqualTo(runId + "@example.com");
            assertThat(p.trait("name")).as("name of %s", p.profile()).isEqualTo("Ada Node");
            assertThat(p.single("track", "Order Completed").path("properties").path("orderId").asString())
                    .isEqualTo("order-" + runId);
            assertThat(p.single("page", "Pricing").path("properties").path("path").asString()).isEqualTo("/pricing");
            JsonNode group = p.single("group", null);
            assertThat(group.path("traits").path("name").asString()).as("group traits of %s", group)
                    .isEqualTo("Acme Inc");
            p.single("identify", null);
            p.single("alias", null);
            // the alias merged the profile the earlier user id had into this one
            p.single("track", "Signed Up");
        });
        assertThat(platform.person("user_id", previousId).orElseThrow().id())
                .as("profile of the alias's previousId").isEqualTo(person.id());
        assertThat(person.id().equals(before) || person.profile().path("mergedFrom").toString().contains(before))
                .as("%s merged from %s", person.profile(), before).isTrue();
    }

    private static void send(NodeScripts scripts, String sdk, String phase, String run) {
        NodeScripts.Finished finished = scripts.run("node-sdks.mjs", Duration.ofSeconds(90), sdk, phase, run);
        assertThat(finished.exitCode()).as("%s %s:\n%s", sdk, phase, finished.output()).isZero();
    }
}
