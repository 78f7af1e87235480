package org.opencdp.bench.platform;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * Follows sampled people through the pipeline. A sample is an identify that puts a person with
 * {@code marketing} consent on plan {@code pro}: it should show on their profile, make the profile
 * enter the bench's segment, and reach the webhook. At most {@code perSecond} samples are taken.
 * Each is polled with {@code GET /v1/profiles/lookup?type=user_id} until the profile shows {@code
 * plan = pro}, every twentieth of the time waited so far (20 ms to 1 s), so the measured latency
 * is at most about 5% late; the membership and the webhook are matched later by profile id.
 */
final class LatencyProbe implements AutoCloseable {

    /** One sampled person; the times are epoch milliseconds, {@code null} until seen. */
    static final class Sample {
        final String userId;
        final long sentAt;
        final String phase;
        volatile Long profileAt;
        volatile String profileId;
        volatile boolean gaveUp;

        Sample(String userId, long sentAt, String phase) {
            this.userId = userId;
            this.sentAt = sentAt;
            this.phase = phase;
        }
    }


    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bench-probe").daemon().factory());
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final URI profiles;
    private final String authorization;
    private final double perSecond;
    private final Duration patience;
    private double budget;
    private long budgetAt = System.nanoTime();

    LatencyProbe(URI profileService, String token, double perSecond, Duration patience) {
        this.profiles = profileService;
        this.authorization = "Bearer " + token;
        this.perSecond = perSecond;
        this.patience = patience;
        this.budget = 1;
    }

    /** Offers an event just sent (at {@code sentAt}, epoch ms) during {@code phase}; samples it if it is one and the budget allows. */
    synchronized void offer(GeneratedEvent event, long sentAt, String phase) {
        long now = System.nanoTime();
        budget = Math.min(Math.max(1, perSecond), budget + (now - budgetAt) / 1e9 * perSecond);
        budgetAt = now;
        if (!event.reachesWebhook() || event.userId() == null || budget < 1) {
            return;
        }
        budget -= 1;
        Sample sample = new Sample(event.userId(), sentAt, phase);
        samples.add(sample);
        pending.incrementAndGet();
        scheduler.schedule(() -> poll(sample), 20, TimeUnit.MILLISECONDS);
    }

    /** Samples whose profile has not shown yet (nor been given up). */
    int pending() {
        return pending.get();
    }

    List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    private void poll(Sample sample) {
        String query = "type=user_id&value=" + URLEncoder.encode(sample.userId, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(profiles.resolve("/v1/profiles/lookup?" + query))
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            long now = System.currentTimeMillis();
            if (error == null && response.statusCode() == 200 && isPro(response.body(), sample)) {
                sample.profileAt = now;
                pending.decrementAndGet();
                return;
            }
            long waited = now - sample.sentAt;
            if (waited > patience.toMillis()) {
                sample.gaveUp = true;
                pending.decrementAndGet();
                return;
            }
            long next = Math.min(1000, Math.max(20, waited / 20));
            scheduler.schedule(() -> poll(sample), next, TimeUnit.MILLISECONDS);
        });
    }

    private static boolean isPro(String body, Sample sample) {
        try {
            JsonNode profile = MessageCodec.mapper().readTree(body);
            if ("pro".equals(profile.path("traits").path("plan").asString(""))) {
                sample.profileId = profile.path("id").asString(null);
                return true;
            }
        } catch (RuntimeException e) {
            // not a profile: keep polling
        }
        return false;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
