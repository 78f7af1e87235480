package org.opencdp.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * A webhook destination in the test JVM that can be taken down: while {@link #down} it answers every
 * delivery {@code 503} (as a crashed app behind a load balancer does) and records nothing; up, it
 * answers {@code 200} and records each delivery with the time it arrived.
 */
final class Webhook implements AutoCloseable {

    /** One delivery received: when, and its body. */
    record Received(long receivedAtMillis, JsonNode body) {

        String profileId() {
            return body.path("profileId").asString();
        }

        /** {@code event}, {@code segment_entered} or {@code segment_exited}. */
        String kind() {
            return body.path("kind").asString();
        }

        String deliveryId() {
            return body.path("deliveryId").asString();
        }

        /** The delivered event's messageId (event deliveries only). */
        String messageId() {
            return body.path("event").path("messageId").asString();
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private volatile long refused;

    Webhook() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void down(boolean down) {
        this.down = down;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    long refused() {
        return refused;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (down) {
                refused++;
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            received.add(new Received(System.currentTimeMillis(),
                    MessageCodec.mapper().readTree(new String(body, StandardCharsets.UTF_8))));
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
