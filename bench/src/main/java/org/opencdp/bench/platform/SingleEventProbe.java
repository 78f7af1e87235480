package org.opencdp.bench.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Single-event requests as browser SDKs send them: {@code clients} concurrent clients, each sending
 * one event per request ({@code /v1/page}, {@code /v1/identify} or {@code /v1/track} by the event's
 * type) and the next as soon as the answer came (closed loop), for {@code duration}.
 */
final class SingleEventProbe {

    /** What the clients achieved. */
    record Result(int clients, double seconds, long accepted, long failed, Map<String, Long> failures,
                  double acceptedPerSecond, Histogram latencyMicros) {
    }

    private SingleEventProbe() {
    }

    static Result run(URI ingestion, String writeKey, TrafficGenerator traffic, int clients, Duration duration,
                      AtomicLong acceptedTotal)
            throws InterruptedException {
        String authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Recorder latency = new Recorder(3);
        AtomicLong accepted = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(Thread.ofVirtual().name("bench-single-" + i).start(() -> {
                while (System.nanoTime() < end) {
                    GeneratedEvent event;
                    synchronized (traffic) {
                        event = traffic.next(Instant.now().toString());
                    }
                    URI uri = ingestion.resolve(path(event.kind()));
                    long sentAt = System.nanoTime();
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", authorization).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(event.json())).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            accepted.incrementAndGet();
                            acceptedTotal.incrementAndGet();
                        } else {
                            failures.merge("HTTP " + response.statusCode(), 1L, Long::sum);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        failures.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                    }
                    latency.recordValue(Math.max(1, (System.nanoTime() - sentAt) / 1000));
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        return new Result(clients, seconds, accepted.get(), failed, Map.copyOf(failures), accepted.get() / seconds,
                latency.getIntervalHistogram());
    }

    static String path(GeneratedEvent.Kind kind) {
        return switch (kind) {
            case PAGE -> "/v1/page";
            case IDENTIFY -> "/v1/identify";
            default -> "/v1/track";
        };
    }
}
