package org.opencdp.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./cdp status}: per service, its health ({@code /actuator/health}) and, from its {@code
 * /actuator/prometheus}, the kit's gauges: consumer lag per topic ({@code cdp_consumer_lag}), the
 * outbox backlog and its oldest row's age ({@code cdp_outbox_backlog}, {@code
 * cdp_outbox_oldest_age_seconds}) and parked rows ({@code cdp_outbox_parked_rows}).
 */
final class PlatformStatus {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What one service reported; {@code problem} says why it could not be asked. */
    record ServiceStatus(PlatformService service, String health, Map<String, Long> lagByTopic, Long outboxBacklog,
                         Double oldestOutboxAgeSeconds, Long parked, String problem) {

        boolean up() {
            return "UP".equals(health);
        }

        long lag() {
            return lagByTopic.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Asks every service; true when all are UP. */
    boolean print(Map<PlatformService, Integer> ports, PrintStream out) {
        List<ServiceStatus> statuses = new ArrayList<>();
        for (PlatformService service : PlatformService.values()) {
            statuses.add(ask(service, URI.create("http://localhost:" + ports.get(service))));
        }
        out.print(render(statuses));
        out.flush();
        return statuses.stream().allMatch(ServiceStatus::up);
    }

    ServiceStatus ask(PlatformService service, URI url) {
        String health;
        try {
            HttpResponse<String> answer = get(url.resolve("/actuator/health"));
            JsonNode body = answer.body().isBlank() ? null : MessageCodec.mapper().readTree(answer.body());
            health = body != null && body.hasNonNull("status") ? body.get("status").asString()
                    : "HTTP " + answer.statusCode();
        } catch (IOException | RuntimeException e) {
            return new ServiceStatus(service, "DOWN", Map.of(), null, null, null,
                    "not reachable at " + url + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
        try {
            HttpResponse<String> scrape = get(url.resolve("/actuator/prometheus"));
            if (scrape.statusCode() != 200) {
                return new ServiceStatus(service, health, Map.of(), null, null, null,
                        "/actuator/prometheus answered " + scrape.statusCode());
            }
            return fromMetrics(service, health, PrometheusText.parse(scrape.body()));
        } catch (IOException | RuntimeException e) {
            return new ServiceStatus(service, health, Map.of(), null, null, null, "no metrics: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** The service's figures from its samples (only those tagged with its own service name). */
    static ServiceStatus fromMetrics(PlatformService service, String health, List<PrometheusText.Sample> samples) {
        Map<String, Long> lag = new TreeMap<>();
        Long backlog = null;
        Double age = null;
        Long parked = null;
        for (PrometheusText.Sample sample : samples) {
            if (!service.shortName().equals(sample.labels().get("service"))) {
                continue;
            }
            switch (sample.name()) {
                case "cdp_consumer_lag" -> lag.merge(sample.labels().getOrDefault("topic", "?"),
                        (long) sample.value(), Long::sum);
                case "cdp_outbox_backlog" -> backlog = (long) sample.value();
                case "cdp_outbox_oldest_age_seconds" -> age = sample.value();
                case "cdp_outbox_parked_rows" -> parked = (long) sample.value();
                default -> { }
            }
        }
        return new ServiceStatus(service, health, lag, backlog, age, parked, null);
    }

    static String render(List<ServiceStatus> statuses) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-22s %-9s %12s   %s%n",
                "SERVICE", "HEALTH", "CONSUMER LAG", "OUTBOX"));
        for (ServiceStatus status : statuses) {
            String lag = status.problem() != null ? "-" : Long.toString(status.lag());
            text.append(String.format(Locale.ROOT, "%-22s %-9s %12s   %s%n", status.service().serviceName(),
                    status.health(), lag, status.problem() != null ? status.problem() : outbox(status)));
            status.lagByTopic().forEach((topic, records) -> text.append(String.format(Locale.ROOT,
                    "  %-41s %10d%n", topic, records)));
        }
        return text.toString();
    }

    private static String outbox(ServiceStatus status) {
        if (status.outboxBacklog() == null) {
            return "-";
        }
        String text = status.outboxBacklog() + " unpublished";
        if (status.outboxBacklog() > 0 && status.oldestOutboxAgeSeconds() != null) {
            text += String.format(Locale.ROOT, ", oldest %.1f s", status.oldestOutboxAgeSeconds());
        }
        if (status.parked() != null && status.parked() > 0) {
            text += ", " + status.parked() + " parked";
        }
        return text;
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
