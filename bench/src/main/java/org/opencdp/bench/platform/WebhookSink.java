package org.opencdp.bench.platform;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * The bench's destination: a local HTTP server the platform's webhook connector posts to. It answers
 * 200 to every delivery and remembers when the first {@code segment_entered} delivery of each profile
 * arrived (epoch milliseconds), to match deliveries to sampled people.
 */
final class WebhookSink implements AutoCloseable {


    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Long> enteredAt = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong entered = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();

    private WebhookSink(HttpServer server) {
        this.server = server;
    }

    static WebhookSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        WebhookSink sink = new WebhookSink(server);
        server.createContext("/hook", sink::handle);
        server.setExecutor(sink.executor);
        server.start();
        return sink;
    }

    /** Where the webhook destination posts: {@code http://127.0.0.1:<port>/hook}. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    long deliveries() {
        return deliveries.get();
    }

    long entered() {
        return entered.get();
    }

    long unreadable() {
        return unreadable.get();
    }

    /** When the first {@code segment_entered} of {@code profileId} arrived, epoch ms, or null. */
    Long enteredAt(String profileId) {
        return enteredAt.get(profileId);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readAllBytes();
            deliveries.incrementAndGet();
            record(bytes, now);
            exchange.sendResponseHeaders(200, -1);
        }
    }

    void record(byte[] body, long receivedAtMillis) {
        try {
            JsonNode delivery = MessageCodec.mapper().readTree(body);
            if ("segment_entered".equals(delivery.path("kind").asString(""))) {
                entered.incrementAndGet();
                String profileId = delivery.path("profileId").asString("");
                if (!profileId.isEmpty()) {
                    enteredAt.putIfAbsent(profileId, receivedAtMillis);
                }
            }
        } catch (RuntimeException e) {
            unreadable.incrementAndGet();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
