package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * Calls a service's HTTP API over a real connection, as its users do: management calls with a
 * bearer token, Tracking API calls with a write key. One client serves every module's tests.
 *
 * <p>A body is sent as JSON: a {@code String} as it is (so tests can send malformed JSON), anything
 * else written with the contracts' mapper. A null token sends no {@code Authorization} header.
 */
public final class ApiClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;

    private ApiClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** A client of the service listening on {@code localhost:port}. */
    public static ApiClient onPort(int port) {
        return new ApiClient("http://localhost:" + port);
    }

    /** A client of the service at {@code baseUrl} ({@code http://host:port}). */
    public static ApiClient at(String baseUrl) {
        return new ApiClient(baseUrl);
    }

    public HttpResponse<String> get(String path, String token) {
        return call("GET", path, token, null);
    }

    public HttpResponse<String> post(String path, String token, Object body) {
        return call("POST", path, token, body);
    }

    public HttpResponse<String> put(String path, String token, Object body) {
        return call("PUT", path, token, body);
    }

    public HttpResponse<String> patch(String path, String token, Object body) {
        return call("PATCH", path, token, body);
    }

    public HttpResponse<String> delete(String path, String token) {
        return call("DELETE", path, token, null);
    }

    /** {@code method} on {@code path} with a bearer {@code token} and a JSON {@code body} (both may be null). */
    public HttpResponse<String> call(String method, String path, String token, Object body) {
        HttpRequest.Builder request = request(path);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(toJson(body))));
    }

    /** A Tracking API call ({@code /v1/track}, {@code /v1/batch}, …) with the write key as the Basic user name. */
    public HttpResponse<String> track(String path, String writeKey, Object body) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json");
        if (writeKey != null) {
            request.header("Authorization", basic(writeKey));
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofString(toJson(body))));
    }

    /** A request to {@code path} on this service, for calls the helpers above do not cover. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    }

    /** Sends {@code request}, reading the answer as text. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        try {
            return HTTP.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + built.method() + " " + built.uri(), e);
        }
    }

    /** The {@code Authorization} value for a write key: HTTP Basic with the key as user name and no password. */
    public static String basic(String writeKey) {
        return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** The body as JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        return MessageCodec.mapper().readTree(response.body());
    }

    /** The body as JSON, after asserting the status. */
    public static JsonNode body(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("%s answered %s", response.request().uri(), response.body())
                .isEqualTo(status);
        return json(response);
    }

    /** Asserts an RFC 9457 problem with this status, code and a title (docs/errors.md) and returns it. */
    public static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(problem.path("type").asString()).isEqualTo("https://opencdp.dev/problems/" + code);
        assertThat(problem.path("title").asString()).as("title of " + response.body()).isNotBlank();
        return problem;
    }

    /** Asserts a {@code validation_failed} problem with an error at {@code pointer} (RFC 6901) and returns it. */
    public static JsonNode assertInvalidField(HttpResponse<String> response, String pointer) {
        JsonNode problem = assertProblem(response, 400, "validation_failed");
        assertThat(problem.path("errors").valueStream().map(error -> error.path("pointer").asString()))
                .as(response.body()).contains(pointer);
        return problem;
    }

    /** {@code data} gzip-compressed, for {@code Content-Encoding: gzip} bodies. */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String toJson(Object body) {
        return body instanceof String text ? text : MessageCodec.mapper().writeValueAsString(body);
    }
}
