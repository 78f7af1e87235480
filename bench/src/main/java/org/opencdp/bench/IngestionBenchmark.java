package org.opencdp.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How many events per second ingestion accepts through {@code /v1/batch}, and with what latency:
 * a closed-loop phase finds the maximum (every connection sends its next batch as soon as the last
 * one was answered), then an open-loop phase offers half of that rate on a fixed schedule and
 * measures latency from each request's scheduled start (so a stall is not hidden by the load
 * generator waiting for it). Everything runs on this machine: the in-JVM KRaft broker, an embedded
 * PostgreSQL (or {@code CDP_BENCH_JDBC_URL}), the service and the load generator.
 */
final class IngestionBenchmark {

    record Settings(Duration warmup, Duration duration, int connections, int batchSize) {
    }

    record Result(long events, double eventsPerSecond, Histogram latency) {
    }

    static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             ConfigurableApplicationContext ingestion = IngestionServiceApplication.application().run(
                     infrastructure.serviceArguments("--cdp.ingestion.rate-limit.enabled=false"))) {
            String secret = infrastructure.secret();
            URI base = URI.create("http://127.0.0.1:" + ingestion.getEnvironment().getProperty("local.server.port"));
            String writeKey = createSource(base, new TokenIssuer(secret).issue("bench", Scopes.SOURCES_WRITE, "bench",
                    Duration.ofHours(1)));
            String authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
            var batches = new BatchFactory(settings.batchSize());
            URI batchUri = base.resolve("/v1/batch");

            System.out.printf("Ingestion benchmark: /v1/batch, %d events per request, %d connections, %s warm-up, %s measured, %d cores%n",
                    settings.batchSize(), settings.connections(), settings.warmup(), settings.duration(),
                    Runtime.getRuntime().availableProcessors());
            closedLoop(batchUri, authorization, batches, settings, settings.warmup());
            Result max = closedLoop(batchUri, authorization, batches, settings, settings.duration());
            print("maximum (closed loop)", max);
            double halfRate = max.eventsPerSecond() / 2;
            Result half = openLoop(batchUri, authorization, batches, settings, halfRate);
            print(String.format("at half of it, %.0f events/s offered (open loop)", halfRate), half);
        }
    }

    private static Result closedLoop(URI uri, String authorization, BatchFactory batches, Settings settings,
                                     Duration duration) throws InterruptedException {
        var recorder = new Recorder(3);
        var accepted = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            workers.add(Thread.ofPlatform().name("bench-" + i).start(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    if (send(client, uri, authorization, batches.next())) {
                        accepted.addAndGet(settings.batchSize());
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                }
            }));
        }
        long started = System.nanoTime();
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(accepted.get(), accepted.get() / seconds, recorder.getIntervalHistogram());
    }

    private static Result openLoop(URI uri, String authorization, BatchFactory batches, Settings settings,
                                   double eventsPerSecond) throws InterruptedException {
        var recorder = new Recorder(3);
        var accepted = new AtomicLong();
        long intervalNanos = (long) (1e9 * settings.batchSize() / eventsPerSecond);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long k = 0; ; k++) {
                long intended = start + k * intervalNanos;
                if (intended >= end) {
                    break;
                }
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String body = batches.next();
                senders.submit(() -> {
                    if (send(client, uri, authorization, body)) {
                        accepted.addAndGet(settings.batchSize());
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - intended) / 1000));
                });
            }
            senders.shutdown();
            senders.awaitTermination(1, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(accepted.get(), accepted.get() / seconds, recorder.getIntervalHistogram());
    }

    private static boolean send(HttpClient client, URI uri, String authorization, String body) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static String createSource(URI base, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v1/sources"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Could not create the bench source: " + response.statusCode() + " " + response.body());
        }
        return MessageCodec.mapper().readTree(response.body()).path("writeKey").asString();
    }

    private static void print(String phase, Result result) {
        Histogram latency = result.latency();
        System.out.printf("  %-48s %,10.0f events/s accepted   latency p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms   (%d requests)%n",
                phase, result.eventsPerSecond(), latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0, latency.getTotalCount());
    }

    private IngestionBenchmark() {
    }
}
