package org.opencdp.bench.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sends {@code POST /v1/batch} requests on the clock, not on the answers (open loop): the k-th
 * batch of a step is due at {@code start + k × batchSize / rate}, built and sent asynchronously
 * then, however many earlier requests are still waiting. How late each send left (lateness: the
 * generator's own lag) and how long each answer took are recorded, in microseconds.
 */
final class OpenLoopSender {

    /** What one step sent. */
    record StepLoad(long sentEvents, long acceptedEvents, long failedEvents, Map<String, Long> failures,
                    Histogram latencyMicros, Histogram latenessMicros, double seconds) {
    }

    /** Requests allowed in flight at once; beyond that a batch is counted as failed with "client overloaded". */
    static final int MAX_IN_FLIGHT = 4_000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI batchUri;
    private final String authorization;
    private final TrafficGenerator traffic;
    private final LatencyProbe probe;
    private final int batchSize;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    OpenLoopSender(URI ingestion, String writeKey, TrafficGenerator traffic, LatencyProbe probe, int batchSize) {
        this.batchUri = ingestion.resolve("/v1/batch");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.traffic = traffic;
        this.probe = probe;
        this.batchSize = batchSize;
    }

    /** Events accepted (answered 200) since the sender was made. */
    long accepted() {
        return accepted.get();
    }

    /** Events sent since the sender was made. */
    long sent() {
        return sent.get();
    }

    /** Sends {@code rate} events per second for {@code duration}, then waits (at most 30 s) for the answers. */
    StepLoad run(double rate, Duration duration, String phase) {
        Recorder latency = new Recorder(3);
        Recorder lateness = new Recorder(3);
        AtomicLong stepAccepted = new AtomicLong();
        AtomicLong stepSent = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        long interval = (long) (1e9 * batchSize / rate);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (long k = 0; ; k++) {
            long due = start + k * interval;
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long leftAt = System.nanoTime();
            lateness.recordValue(Math.max(0, (leftAt - due) / 1000));
            long sentAtMillis = System.currentTimeMillis() - (leftAt - due) / 1_000_000;
            String body = batch(sentAtMillis, phase);
            stepSent.addAndGet(batchSize);
            sent.addAndGet(batchSize);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                failures.merge("client overloaded (" + MAX_IN_FLIGHT + " requests in flight)", (long) batchSize, Long::sum);
                continue;
            }
            inFlight.incrementAndGet();
            http.sendAsync(request(body), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                inFlight.decrementAndGet();
                latency.recordValue(Math.max(1, (System.nanoTime() - leftAt) / 1000));
                if (error == null && response.statusCode() == 200) {
                    stepAccepted.addAndGet(batchSize);
                    accepted.addAndGet(batchSize);
                } else {
                    String reason = error != null ? error.getClass().getSimpleName() : "HTTP " + response.statusCode();
                    failures.merge(reason, (long) batchSize, Long::sum);
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        return new StepLoad(stepSent.get(), stepAccepted.get(), failed, Map.copyOf(failures),
                latency.getIntervalHistogram(), lateness.getIntervalHistogram(), seconds);
    }

    private String batch(long sentAtMillis, String phase) {
        String now = Instant.ofEpochMilli(sentAtMillis).toString();
        StringBuilder body = new StringBuilder(batchSize * 800);
        body.append("{\"sentAt\":\"").append(now).append("\",\"batch\":[");
        for (int i = 0; i < batchSize; i++) {
            GeneratedEvent event = traffic.next(now);
            body.append(i == 0 ? "" : ",").append(event.json());
            probe.offer(event, sentAtMillis, phase);
        }
        return body.append("]}").toString();
    }

    private HttpRequest request(String body) {
        return HttpRequest.newBuilder(batchUri).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
