package org.opencdp.segmentation.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11: with profile-service unreachable, a segment with an {@code event} node cannot be set up:
 * its create, PUT and preview answer 503 {@code profile_unavailable} naming the node, and nothing is
 * stored; segments without event nodes are not affected.
 */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.segmentation.build.poll-interval=100ms",
                // nothing listens on port 9 (discard) here: connection refused at once
                "cdp.segmentation.profile.url=http://127.0.0.1:9", "cdp.segmentation.profile.timeout=2s"})
class EventSegmentsProfileUnavailableIT {

    @LocalServerPort
    int port;

    private SegmentationDriver client;
    private ApiClient api;

    @BeforeEach
    void connect() {
        client = new SegmentationDriver(CdpTestEnvironment.current(), Workspaces.fresh(), port);
        api = client.api();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void shouldAnswer503AndStoreNothingWhenProfileServiceCannotBeReached() {
        String writer = client.writeToken();
        JsonNode refused = assertProblem(api.post("/v1/segments", writer, """
                {"name": "x", "condition": {"or": [{"trait": "plan", "op": "exists"}, {"event": "Order Completed"}]}}"""),
                503, "profile_unavailable");
        assertThat(refused.path("pointer").asString()).isEqualTo("/condition/or/1");
        assertThat(refused.path("detail").asString()).contains("profile-service").contains("Nothing was stored");
        assertThat(body(api.get("/v1/segments", writer), 200).path("items")).isEmpty();

        String plain = client.createSegment("plain", "{\"trait\": \"plan\", \"op\": \"exists\"}");
        client.awaitReady(plain);
        assertProblem(api.put("/v1/segments/" + plain, writer,
                "{\"name\": \"plain\", \"condition\": {\"event\": \"Order Completed\"}}"), 503, "profile_unavailable");
        assertThat(body(api.get("/v1/segments/" + plain, writer), 200).path("condition").path("trait").asString())
                .isEqualTo("plan");
        JsonNode preview = assertProblem(api.post("/v1/segments/preview", writer,
                "{\"condition\": {\"not\": {\"event\": \"Order Completed\"}}}"), 503, "profile_unavailable");
        assertThat(preview.path("pointer").asString()).isEqualTo("/condition/not");
    }
}
