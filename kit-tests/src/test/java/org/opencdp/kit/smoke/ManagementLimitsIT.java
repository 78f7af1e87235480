package org.opencdp.kit.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.assertProblem;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.security.ServiceCredentials;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 16: every management endpoint has a request size limit (413, whether the body says its
 * length or is chunked), and each token a rate (429 with Retry-After) that leaves other tokens,
 * service credentials and public paths alone.
 */
@CdpIntegrationTest
@SpringBootTest(classes = KitSmokeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=kit-smoke", "cdp.kit.limits.max-request-size=1KB",
                "cdp.kit.limits.requests-per-second=0.01", "cdp.kit.limits.burst=3"})
class ManagementLimitsIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Test
    void shouldRefuseABodyOverTheLimitWhetherItsLengthIsKnownOrNot() {
        ApiClient api = ApiClient.onPort(port);
        String token = infrastructure.token("ws_limits_size", "notes:write");
        String tooLong = "{\"id\":\"n1\",\"text\":\"" + "x".repeat(2000) + "\"}";

        assertProblem(api.post("/v1/notes", token, tooLong), 413, "payload_too_large");
        HttpResponse<String> chunked = api.send(api.request("/v1/notes")
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(tooLong.getBytes(StandardCharsets.UTF_8)))));
        assertProblem(chunked, 413, "payload_too_large");
        assertThat(api.post("/v1/notes", token, "{\"id\":\"n2\",\"text\":\"short\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void shouldLimitEachTokensRateAndNoOneElses() {
        ApiClient api = ApiClient.onPort(port);
        String busy = infrastructure.token("ws_limits_rate", "notes:read");
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/v1/notes/none", busy).statusCode()).as("request %d of the burst", i + 1).isEqualTo(404);
        }

        HttpResponse<String> limited = api.get("/v1/notes/none", busy);

        assertProblem(limited, 429, "rate_limited");
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(api.get("/v1/notes/none", infrastructure.token("ws_limits_rate", "notes:write")).statusCode())
                .as("another token").isEqualTo(404);
        String credential = new ServiceCredentials(infrastructure.jwtSecret(), "activation").token("notes:read");
        for (int i = 0; i < 5; i++) {
            assertThat(api.send(api.request("/v1/notes/none").header("Authorization", "Bearer " + credential)
                    .header(ServiceCredentials.WORKSPACE_HEADER, "ws_limits_rate")).statusCode())
                    .as("a service credential").isEqualTo(404);
        }
        assertThat(api.get("/actuator/health", null).statusCode()).isEqualTo(200);
    }
}
