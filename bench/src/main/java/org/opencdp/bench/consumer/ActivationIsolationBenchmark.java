package org.opencdp.bench.consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.bench.BenchInfrastructure;
import org.opencdp.contracts.ConsentDecisionRequest;
import org.opencdp.contracts.ConsentDecisions;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13 (isolation): membership change → request received at a local webhook stub, for a healthy
 * destination alone and then beside a destination answering 503 throughout and one trickling its
 * answers slower than the per-call deadline. Everything on this machine: the in-JVM broker, PostgreSQL,
 * activation-service with its real listeners and dispatcher and its default delivery settings (send
 * timeout 10 s, retries from 5 s), and four local HTTP servers of their own (each its own port, as
 * different receivers are): the healthy receiver (200 at once), the 503 one, the trickling one (500,
 * then a byte of body every {@code --trickle}/300) and consent-service's decisions API in its real
 * wire format ({@link ConsentDecisionRequest} in, {@link ConsentDecisions} out, every profile allowed).
 *
 * <p>Each phase writes {@code MembershipChanged} messages (a new profile entering {@value #SEGMENT})
 * to {@code cdp.segmentation.memberships.v1} on an open-loop clock at {@code --rate}, a warm-up and
 * then {@code --duration} measured. Latency is when the healthy receiver got the delivery minus when
 * the message was handed to the producer (linger 0, acks all), so a stall counts for every change it
 * delays.
 */
public final class ActivationIsolationBenchmark {

    /** What to run. */
    public record Settings(double rate, Duration warmup, Duration duration, Duration trickle) {
    }

    static final String SEGMENT = "seg-bench";
    private static final String WORKSPACE = BenchData.WORKSPACE;
    /** How long stragglers may take after a phase's last change before they count as not received. */
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final long TARGET_P99_MILLIS = 2_000;

    private ActivationIsolationBenchmark() {
    }

    public static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             Receivers receivers = Receivers.start(settings.trickle());
             ConfigurableApplicationContext service = ActivationServiceApplication.application().run(
                     infrastructure.serviceArguments("--logging.level.org.opencdp=ERROR",
                             "--cdp.activation.consent.url=" + receivers.url(receivers.consent, ""),
                             "--cdp.activation.network.allow=127.0.0.1"));
             KafkaProducer<String, String> producer = producer(infrastructure.bootstrapServers())) {
            System.out.printf("activation-isolation benchmark: %d cores, load average %s; %,.0f membership changes/s, "
                            + "%s warm-up, %s measured per phase, trickling answers take %s%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage(), settings.rate(), settings.warmup(),
                    settings.duration(), settings.trickle());
            String token = new TokenIssuer(infrastructure.secret()).issue(WORKSPACE,
                    Scopes.DESTINATIONS_READ + " " + Scopes.DESTINATIONS_WRITE, "bench", Duration.ofHours(2));
            destination(service, token, "healthy", receivers.url(receivers.healthy, "/hook"));
            Result alone = phase("a", "healthy destination alone", producer, receivers, settings);

            destination(service, token, "answers 503", receivers.url(receivers.down, "/hook"));
            destination(service, token, "trickles", receivers.url(receivers.trickling, "/hook"));
            Result beside = phase("b", "healthy + 503 + trickling", producer, receivers, settings);

            System.out.printf("  healthy destination p99: %,d ms alone, %,d ms beside the broken ones (target < %,d ms:"
                            + " %s / %s)%n", alone.p99(), beside.p99(), TARGET_P99_MILLIS,
                    alone.p99() < TARGET_P99_MILLIS && alone.lost() == 0 ? "met" : "NOT met",
                    beside.p99() < TARGET_P99_MILLIS && beside.lost() == 0 ? "met" : "NOT met");
        }
    }

    /** One phase's figures for the healthy destination. */
    private record Result(long p99, long lost) {
    }

    private static Result phase(String name, String description, KafkaProducer<String, String> producer,
                                Receivers receivers, Settings settings) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        receivers.received.clear();
        long downBefore = receivers.downRequests.get();
        long tricklingBefore = receivers.tricklingRequests.get();
        String loadStart = null;
        long warmupNanos = settings.warmup().toNanos();
        long totalNanos = warmupNanos + settings.duration().toNanos();
        long sent = 0;
        long start = System.nanoTime();
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= totalNanos) {
                break;
            }
            boolean measured = elapsed >= warmupNanos;
            if (measured && loadStart == null) {
                loadStart = loadAverage();
            }
            long due = (long) (elapsed / 1e9 * settings.rate());
            for (; sent < due; sent++) {
                String profileId = "p-" + name + "-" + sent + "-" + UUID.randomUUID();
                var change = new MembershipChanged(UUID.randomUUID(), WORKSPACE, Instant.now(), SEGMENT, profileId,
                        MembershipChanged.Transition.entered, 1);
                if (measured) {
                    sentAt.put(profileId, System.currentTimeMillis());
                }
                producer.send(new ProducerRecord<>(change.topic(), change.key(), MessageCodec.toJson(change)));
            }
            Thread.sleep(2); // the open-loop clock's tick
        }
        producer.flush();
        long drainUntil = System.nanoTime() + DRAIN.toNanos();
        while (System.nanoTime() < drainUntil && !receivers.received.keySet().containsAll(sentAt.keySet())) {
            Thread.sleep(100); // stragglers
        }
        List<Long> latencies = new ArrayList<>();
        sentAt.forEach((profileId, at) -> {
            Long received = receivers.received.get(profileId);
            if (received != null) {
                latencies.add(received - at);
            }
        });
        latencies.sort(Long::compare);
        long lost = sentAt.size() - latencies.size();
        System.out.printf("  (%s) %s: %,d changes measured, %,d received by the healthy receiver, %,d not within %s%n",
                name, description, sentAt.size(), latencies.size(), lost, DRAIN);
        if (latencies.isEmpty()) {
            return new Result(Long.MAX_VALUE, lost);
        }
        long p99 = percentile(latencies, 0.99);
        System.out.printf("      healthy: p50 %,d ms, p90 %,d ms, p99 %,d ms, max %,d ms; load average %s -> %s%n",
                percentile(latencies, 0.5), percentile(latencies, 0.9), p99, latencies.getLast(), loadStart,
                loadAverage());
        System.out.printf("      503 receiver got %,d requests, trickling receiver %,d (all phase long)%n",
                receivers.downRequests.get() - downBefore, receivers.tricklingRequests.get() - tricklingBefore);
        return new Result(p99, lost);
    }

    private static long percentile(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static void destination(ConfigurableApplicationContext service, String token, String name, String url)
            throws Exception {
        Api.post(service, token, "/v1/destinations", Map.of("name", name, "type", "webhook",
                "config", Map.of("url", url, "secret", "bench-secret"), "requiredPurposes", List.of("marketing"),
                "subscriptions", Map.of("events", List.of(), "segments", List.of(SEGMENT))));
    }

    /** A producer that sends each change at once: linger 0, so the clock starts when the change leaves. */
    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The four local HTTP servers, each on its own loopback port and its own virtual threads, so a
     * trickling answer holds nothing of the others.
     */
    private static final class Receivers implements AutoCloseable {

        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final Map<String, Long> received = new ConcurrentHashMap<>();
        private final AtomicLong downRequests = new AtomicLong();
        private final AtomicLong tricklingRequests = new AtomicLong();
        private final Duration trickle;
        private HttpServer consent;
        private HttpServer healthy;
        private HttpServer down;
        private HttpServer trickling;

        private Receivers(Duration trickle) {
            this.trickle = trickle;
        }

        static Receivers start(Duration trickle) throws IOException {
            Receivers receivers = new Receivers(trickle);
            receivers.consent = receivers.server("/v1/consent/decisions", receivers::decide);
            receivers.healthy = receivers.server("/hook", receivers::accept);
            receivers.down = receivers.server("/hook", receivers::refuse);
            receivers.trickling = receivers.server("/hook", receivers::trickle);
            return receivers;
        }

        String url(HttpServer server, String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        private HttpServer server(String path, Handler handler) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.createContext(path, exchange -> {
                try (exchange) {
                    handler.handle(exchange);
                } catch (IOException e) {
                    // the client hung up (activation cuts a call at its deadline)
                }
            });
            server.setExecutor(threads);
            server.start();
            return server;
        }

        private interface Handler {
            void handle(HttpExchange exchange) throws IOException;
        }

        /** consent-service's decisions API: every profile asked about is allowed for every purpose. */
        private void decide(HttpExchange exchange) throws IOException {
            ConsentDecisionRequest request = MessageCodec.mapper().readValue(body(exchange), ConsentDecisionRequest.class);
            Map<String, String> purposes = new LinkedHashMap<>();
            request.purposes().forEach(purpose -> purposes.put(purpose, "granted"));
            List<ConsentDecisions.Decision> decisions = request.profileIds().stream().map(profileId ->
                    new ConsentDecisions.Decision(profileId, ConsentDecisions.ALLOW, UUID.randomUUID().toString(),
                            purposes)).toList();
            byte[] answer = MessageCodec.mapper().writeValueAsBytes(new ConsentDecisions(decisions));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }

        /** The healthy receiver: notes when each profile's delivery arrived, answers 200. */
        private void accept(HttpExchange exchange) throws IOException {
            long now = System.currentTimeMillis();
            JsonNode delivery = MessageCodec.mapper().readTree(body(exchange));
            received.putIfAbsent(delivery.path("profileId").asString(""), now);
            exchange.sendResponseHeaders(200, -1);
        }

        /** A receiver that is down: 503 to every request. */
        private void refuse(HttpExchange exchange) throws IOException {
            downRequests.incrementAndGet();
            body(exchange);
            byte[] answer = "maintenance".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }

        /** A receiver that answers 500 and then trickles its body: 300 bytes over {@link #trickle}. */
        private void trickle(HttpExchange exchange) throws IOException {
            tricklingRequests.incrementAndGet();
            body(exchange);
            exchange.sendResponseHeaders(500, 0);
            long pause = Math.max(1, trickle.toMillis() / 300);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 300; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(pause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static byte[] body(HttpExchange exchange) throws IOException {
            try (InputStream in = exchange.getRequestBody()) {
                return in.readAllBytes();
            }
        }

        @Override
        public void close() {
            for (HttpServer server : new HttpServer[] {consent, healthy, down, trickling}) {
                if (server != null) {
                    server.stop(0);
                }
            }
            threads.shutdownNow();
        }
    }
}
