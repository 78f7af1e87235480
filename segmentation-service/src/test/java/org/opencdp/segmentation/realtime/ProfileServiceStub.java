package org.opencdp.segmentation.realtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * profile-service's computed-traits API as far as segmentation uses it, for tests that feed
 * segmentation the hidden traits' values themselves (as ProfileChanged): every trait created is
 * {@code ready} at once, read back as such, and deleted. Nothing is stored.
 */
final class ProfileServiceStub implements AutoCloseable {

    private final HttpServer server;

    private ProfileServiceStub(HttpServer server) {
        this.server = server;
    }

    static ProfileServiceStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/computed-traits", ProfileServiceStub::handle);
            server.start();
            return new ProfileServiceStub(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        switch (exchange.getRequestMethod()) {
            case "POST" -> {
                JsonNode body = MessageCodec.mapper().readTree(exchange.getRequestBody().readAllBytes());
                answer(exchange, 201, ready(body.path("key").asString()));
            }
            case "GET" -> answer(exchange, 200, ready(path.substring(path.lastIndexOf('/') + 1)));
            case "DELETE" -> {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
            default -> answer(exchange, 405, "{}");
        }
    }

    private static String ready(String key) {
        return "{\"key\": \"" + key + "\", \"status\": \"ready\", \"progress\": {\"processed\": 0, \"total\": 0}}";
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
