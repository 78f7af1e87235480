package org.opencdp.local;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The demo workspace {@code demo} and its source "Demo website", created through ingestion's
 * management API the first time and remembered in {@code .cdp/demo.json} (the write key is shown
 * only when a source is created, so it is kept there to show it again after a restart).
 */
final class DemoWorkspace {

    static final String WORKSPACE = "demo";
    static final String SOURCE_NAME = "Demo website";

    /** What {@code .cdp/demo.json} holds. */
    record DemoSource(String workspace, String sourceId, String sourceName, String writeKey, Instant createdAt) {
    }

    /** The outcome of {@link #ensure}. */
    sealed interface Outcome {
        /** The source exists; {@code created} is false when it was found in {@code demo.json}. */
        record Ready(DemoSource source, boolean created) implements Outcome {
        }

        /** Ingestion did not create the source; the platform still runs. */
        record Failed(String reason) implements Outcome {
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final URI ingestion;
    private final TokenIssuer tokens;
    private final Path file;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    DemoWorkspace(URI ingestion, TokenIssuer tokens, Path file) {
        this.ingestion = ingestion;
        this.tokens = tokens;
        this.file = file;
    }

    /** Reuses the remembered source if ingestion still has it, otherwise creates one. */
    Outcome ensure() {
        try {
            DemoSource remembered = read();
            if (remembered != null && !knownToBeGone(remembered)) {
                return new Outcome.Ready(remembered, false);
            }
            DemoSource created = create();
            write(created);
            return new Outcome.Ready(created, true);
        } catch (IOException | JacksonException e) {
            return new Outcome.Failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Failed("interrupted");
        }
    }

    DemoSource read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        DemoSource source = MessageCodec.mapper().readValue(file.toFile(), DemoSource.class);
        return source.writeKey() == null || source.sourceId() == null ? null : source;
    }

    private void write(DemoSource source) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), "demo", ".tmp");
        Files.writeString(temporary, MessageCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(source));
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private DemoSource create() throws IOException, InterruptedException {
        String body = MessageCodec.mapper().writeValueAsString(Map.of("name", SOURCE_NAME));
        HttpResponse<String> response = http.send(request("/v1/sources", Scopes.SOURCES_WRITE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw new IOException("POST /v1/sources answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        JsonNode source = MessageCodec.mapper().readTree(response.body());
        String id = text(source, "id");
        String writeKey = text(source, "writeKey");
        if (id == null || writeKey == null) {
            throw new IOException("POST /v1/sources answered without id or writeKey: " + abbreviate(response.body()));
        }
        return new DemoSource(WORKSPACE, id, SOURCE_NAME, writeKey, Instant.now());
    }

    /** True only when ingestion answers 404 for the remembered source (its database was wiped, say). */
    private boolean knownToBeGone(DemoSource remembered) throws InterruptedException {
        String path = "/v1/sources/" + URLEncoder.encode(remembered.sourceId(), StandardCharsets.UTF_8);
        try {
            return http.send(request(path, Scopes.SOURCES_READ).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 404;
        } catch (IOException e) {
            return false; // cannot tell: keep showing the remembered key
        }
    }

    private HttpRequest.Builder request(String path, String scope) {
        String token = tokens.issue(WORKSPACE, scope, "cdp-local", Duration.ofMinutes(5));
        return HttpRequest.newBuilder(ingestion.resolve(path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
