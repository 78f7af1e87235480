package org.opencdp.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.header.Headers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP calls to a running ingestion service, for the integration tests. */
public final class IngestionApi {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    public IngestionApi(int port) {
        this.port = port;
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A management GET with a bearer token (none when null). */
    public HttpResponse<String> get(String path, String token) {
        return send(bearer(request(path).GET(), token));
    }

    /** A management call with a JSON body and a bearer token (none when null). */
    public HttpResponse<String> call(String method, String path, String token, String json) {
        return send(bearer(request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)), token));
    }

    /** Creates a source and returns the answer (with its one-time write key). */
    public JsonNode createSource(String token, String name) {
        HttpResponse<String> created = call("POST", "/v1/sources", token, "{\"name\": \"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created);
    }

    /** A Tracking API call with the write key as the HTTP Basic username (no header when null). */
    public HttpResponse<String> track(String path, String writeKey, String json) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (writeKey != null) {
            request.header("Authorization", basic(writeKey));
        }
        return send(request);
    }

    public static String basic(String writeKey) {
        return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    public static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }

    public static byte[] gzip(byte[] data) {
        var out = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public static String header(Headers headers, String name) {
        return StreamSupport.stream(headers.headers(name).spliterator(), false).findFirst()
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    /** Asserts an RFC 9457 problem with the status and code, and returns its body. */
    public static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = json(response);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("code").asString()).isEqualTo(code);
        assertThat(body.path("type").asString()).isEqualTo("https://opencdp.dev/problems/" + code);
        assertThat(body.path("title").asString()).isNotBlank();
        assertThat(body.path("detail").asString()).isNotBlank();
        return body;
    }

    private static HttpRequest.Builder bearer(HttpRequest.Builder request, String token) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }
}
