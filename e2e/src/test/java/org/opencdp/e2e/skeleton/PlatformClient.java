package org.opencdp.e2e.skeleton;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.opencdp.local.LocalPlatform;
import org.opencdp.local.PlatformService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The platform's public HTTP APIs as a client outside it sees them: management calls with a bearer token, tracking calls with a write key. */
final class PlatformClient {

    /** One HTTP answer, with what was asked, for failure messages. */
    record Response(String request, int status, String body) {

        JsonNode json() {
            return JsonMapper.shared().readTree(body);
        }

        /** The JSON body, after asserting the status. */
        JsonNode expect(int expected) {
            assertThat(status).as("%s answered %s", request, body).isEqualTo(expected);
            return json();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final LocalPlatform platform;
    private final String token;

    PlatformClient(LocalPlatform platform, String token) {
        this.platform = platform;
        this.token = token;
    }

    Response get(PlatformService service, String path) {
        return send(request(service, path).header("Authorization", "Bearer " + token).GET());
    }

    Response post(PlatformService service, String path, Object body) {
        return send(request(service, path).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(json(body)));
    }

    Response put(PlatformService service, String path, Object body) {
        return send(request(service, path).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").PUT(json(body)));
    }

    /** A Tracking API call ({@code /v1/identify}, {@code /v1/track}, …) with the write key as the Basic user name. */
    Response track(String writeKey, String path, Object body) {
        String basic = Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        return send(request(PlatformService.INGESTION, path).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json").POST(json(body)));
    }

    private HttpRequest.Builder request(PlatformService service, String path) {
        return HttpRequest.newBuilder(URI.create(platform.url(service) + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofString(JsonMapper.shared().writeValueAsString(body));
    }

    private Response send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(request.method() + " " + request.uri(), response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
