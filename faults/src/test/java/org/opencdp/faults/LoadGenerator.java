package org.opencdp.faults;

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
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends Tracking API batches ({@code POST /v1/batch}) on the clock, a few hundred events a second,
 * from known users, and keeps the books the checks compare against: every event sent, per user the
 * number of events and of {@code Order Completed} events, and the plan of the user's newest identify.
 *
 * <p>It behaves like a Segment client: a batch that is not answered {@code 200} (refused with 503 while
 * Kafka is down, or no answer at all because ingestion was killed) is kept and sent again, with the
 * same messageIds, until it is accepted ({@link #drain}). So once drained, every event sent has been
 * accepted exactly once as far as the client can tell, and the platform must hold each exactly once.
 * Each answer's status is counted ({@link #statuses}).
 */
final class LoadGenerator implements AutoCloseable {

    static final String ORDER = "Order Completed";

    /** Every user grants marketing, the purpose the destinations require, on every event (consent-service records it). */
    private static final String CONSENT = ",\"context\":{\"consent\":{\"categoryPreferences\":{\"marketing\":true}}}";

    /** One user's expected state. */
    static final class UserBook {
        final String userId;
        long events;
        long orders;
        String plan;
        Instant planAt = Instant.MIN;

        UserBook(String userId) {
            this.userId = userId;
        }
    }

    private record Batch(String body, int events) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final URI batchUri;
    private final String authorization;
    private final String runId;
    private final List<UserBook> users = new ArrayList<>();
    private final Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
    private final java.util.Set<String> orderIds = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Batch> toResend = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final SplittableRandom random = new SplittableRandom(15);
    private final double rate;
    private final int batchSize;
    private long sequence;
    private Instant lastTimestamp = Instant.EPOCH;
    private Thread thread;
    private volatile boolean running;

    LoadGenerator(URI ingestion, String writeKey, String runId, int userCount, double rate, int batchSize) {
        this.batchUri = ingestion.resolve("/v1/batch");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.runId = runId;
        this.rate = rate;
        this.batchSize = batchSize;
        for (int i = 0; i < userCount; i++) {
            users.add(new UserBook(runId + "-user-" + i));
        }
    }

    /** The rate and batch size of {@code -Dfaults.rate} (events/s, default 200) and 20 events per batch. */
    static LoadGenerator of(URI ingestion, String writeKey, String runId) {
        return new LoadGenerator(ingestion, writeKey, runId, Integer.getInteger("faults.users", 100),
                Double.parseDouble(System.getProperty("faults.rate", "200")), 20);
    }

    List<UserBook> users() {
        return users;
    }

    /** An identify of every user (half on plan pro), sent and accepted before the load starts. */
    synchronized void identifyEveryone() {
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < users.size(); i++) {
            body.append(i == 0 ? "" : ",").append(identify(users.get(i), i % 2 == 0 ? "pro" : "free"));
        }
        Batch batch = new Batch(body.append("]}").toString(), users.size());
        while (!sendNow(batch)) {
            FaultPlatform.sleep(1000);
        }
    }

    /** Starts sending at the rate until {@link #stop}. */
    synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name("faults-load").daemon().start(this::run);
    }

    /** Stops sending new events and waits for the answers in flight. */
    void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            FaultPlatform.sleep(50);
        }
    }

    /**
     * Sends every batch not yet accepted again, in turn, until each is answered 200 or {@code timeout}
     * passes; returns how many events that took.
     */
    long drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long resent = 0;
        Batch batch;
        while ((batch = toResend.poll()) != null) {
            while (!sendNow(batch)) {
                if (System.nanoTime() > deadline) {
                    toResend.add(batch);
                    throw new IllegalStateException("Batches still refused after " + timeout + ": " + toResend.size()
                            + "; answers so far " + statuses());
                }
                FaultPlatform.sleep(1000);
            }
            resent += batch.events();
        }
        return resent;
    }

    /** Events answered 200 (counting each event once, however often its batch was sent). */
    long accepted() {
        return accepted.get();
    }

    long sent() {
        return users.stream().mapToLong(u -> u.events).sum();
    }

    /** Every messageId sent, with the time it was first sent. */
    Map<String, Long> sentAtMillis() {
        return sentAtMillis;
    }

    /** The messageIds of the {@value #ORDER} events sent. */
    java.util.Set<String> orderIds() {
        return orderIds;
    }

    /** Events by the answer their batch got, e.g. {@code 200=…, 503=…, no answer (ConnectException)=…}. */
    Map<String, Long> statuses() {
        Map<String, Long> copy = new TreeMap<>();
        statuses.forEach((status, count) -> copy.put(status, count.get()));
        return copy;
    }

    long answered(String status) {
        AtomicLong count = statuses.get(status);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        long interval = (long) (1e9 * batchSize / rate);
        long start = System.nanoTime();
        for (long k = 0; running; k++) {
            long wait = start + k * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Batch batch = nextBatch();
            if (inFlight.get() > 200) {
                // the platform does not answer (a killed ingestion): keep the batch for later instead of piling up
                count("not sent (200 requests in flight)", batch.events());
                toResend.add(batch);
                continue;
            }
            sendAsync(batch);
        }
    }

    private synchronized Batch nextBatch() {
        StringBuilder body = new StringBuilder(batchSize * 250).append("{\"batch\":[");
        for (int i = 0; i < batchSize; i++) {
            UserBook user = users.get(random.nextInt(users.size()));
            int dice = random.nextInt(10);
            String event;
            if (dice == 0) {
                event = identify(user, random.nextBoolean() ? "pro" : "free");
            } else if (dice <= 4) {
                event = track(user, ORDER, ",\"properties\":{\"total\":" + (10 + random.nextInt(90)) + "}");
                orderIds.add(runId + "-" + sequence);
                user.orders++;
            } else {
                event = track(user, "Product Viewed", ",\"properties\":{\"product_id\":\"p-" + random.nextInt(50) + "\"}");
            }
            body.append(i == 0 ? "" : ",").append(event);
        }
        return new Batch(body.append("]}").toString(), batchSize);
    }

    private String identify(UserBook user, String plan) {
        Instant at = nextTimestamp();
        String messageId = messageId(user);
        if (at.isAfter(user.planAt)) {
            user.plan = plan;
            user.planAt = at;
        }
        return "{\"type\":\"identify\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + user.userId
                + "\",\"timestamp\":\"" + at + "\",\"traits\":{\"plan\":\"" + plan + "\"}" + CONSENT + "}";
    }

    private String track(UserBook user, String name, String properties) {
        Instant at = nextTimestamp();
        return "{\"type\":\"track\",\"messageId\":\"" + messageId(user) + "\",\"userId\":\"" + user.userId
                + "\",\"timestamp\":\"" + at + "\",\"event\":\"" + name + "\"" + properties + CONSENT + "}";
    }

    private String messageId(UserBook user) {
        String messageId = runId + "-" + (++sequence);
        user.events++;
        sentAtMillis.put(messageId, System.currentTimeMillis());
        return messageId;
    }

    /** Now, but always later than the last one, so the newest identify of a user is well defined. */
    private Instant nextTimestamp() {
        Instant now = Instant.now();
        lastTimestamp = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusNanos(1_000);
        return lastTimestamp;
    }

    private void sendAsync(Batch batch) {
        inFlight.incrementAndGet();
        http.sendAsync(request(batch), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            inFlight.decrementAndGet();
            outcome(batch, response, error, true);
        });
    }

    /** Sends and waits for the answer; true if accepted. */
    private boolean sendNow(Batch batch) {
        try {
            HttpResponse<Void> response = http.send(request(batch), HttpResponse.BodyHandlers.discarding());
            return outcome(batch, response, null, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            return outcome(batch, null, e, false);
        }
    }

    private boolean outcome(Batch batch, HttpResponse<Void> response, Throwable error, boolean keep) {
        if (error == null && response.statusCode() == 200) {
            count("200", batch.events());
            accepted.addAndGet(batch.events());
            return true;
        }
        Throwable cause = error;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        count(error == null ? Integer.toString(response.statusCode()) : "no answer (" + cause.getClass().getSimpleName() + ")",
                batch.events());
        if (keep) {
            toResend.add(batch);
        }
        return false;
    }

    private void count(String status, int events) {
        statuses.computeIfAbsent(status, s -> new AtomicLong()).addAndGet(events);
    }

    private HttpRequest request(Batch batch) {
        return HttpRequest.newBuilder(batchUri).timeout(Duration.ofSeconds(20))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.body())).build();
    }
}
