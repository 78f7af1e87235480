package org.opencdp.ingestion.sdksettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.body;

import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Behind a proxy the SDKs must send to the address clients reach ingestion at, not to the host the
 * settings request happened to name: {@code cdp.ingestion.sdk.public-url} gives Segment's {@code
 * apiHost} and {@code protocol}.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ingestion-service",
                "cdp.ingestion.sdk.public-url=https://events.example.com:8443"})
class SdkSettingsPublicUrlIT {

    @LocalServerPort
    int port;

    @Test
    void shouldNameThePublicUrlAsTheApiHostWhateverHostTheRequestNamed() {
        ApiClient api = ApiClient.onPort(port);
        TestSource source = TestSource.create(api, CdpTestEnvironment.current().token(Workspaces.fresh(),
                "sources:write"), "Behind a proxy");

        JsonNode settings = body(api.send(api.request("/v1/projects/" + source.writeKey() + "/settings")), 200);

        JsonNode segmentIo = settings.path("integrations").path("Segment.io");
        assertThat(segmentIo.path("apiHost").asString()).isEqualTo("events.example.com:8443/v1");
        assertThat(segmentIo.path("protocol").asString()).isEqualTo("https");
        assertThat(segmentIo.path("apiKey").asString()).isEqualTo(source.writeKey());
    }
}
