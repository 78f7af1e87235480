package org.opencdp.activation.connector;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ValidationErrors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The signed webhook: one JSON {@code POST} per delivery to the configured URL, with {@code
 * X-CDP-Delivery-Id}, {@code X-CDP-Timestamp} and {@code X-CDP-Signature} headers (see {@link
 * WebhookSigner}). A delivery retried keeps its id, so receivers can de-duplicate by it.
 */
@Component
class WebhookConnector implements Connector {

    static final String TYPE = "webhook";
    static final String URL = "url";
    static final String SECRET = "secret";
    private static final int MAX_URL_LENGTH = 2048;
    private static final int MAX_SECRET_LENGTH = 1024;
    private static final int MAX_ERROR_BODY = 300;

    private final HttpClient http;
    private final Duration timeout;
    private final JsonMapper json;
    private final Clock clock;

    @Autowired
    WebhookConnector(ActivationProperties properties, JsonMapper json) {
        this(properties.webhookTimeout(), json, Clock.systemUTC());
    }

    WebhookConnector(Duration timeout, JsonMapper json, Clock clock) {
        this.timeout = timeout;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of(SECRET);
    }

    @Override
    public ConnectorConfig validate(ObjectNode config) {
        ValidationErrors errors = new ValidationErrors();
        for (String name : config.propertyNames()) {
            if (!URL.equals(name) && !SECRET.equals(name)) {
                errors.add(pointerTo("config", name), "is not a webhook setting (expected 'url' and 'secret')");
            }
        }
        JsonNode url = config.get(URL);
        if (url == null || !url.isString()) {
            errors.add(pointerTo("config", URL), "is required: an absolute http or https URL");
        } else {
            urlProblem(url.stringValue()).ifPresent(problem -> errors.add(pointerTo("config", URL), problem));
        }
        JsonNode secret = config.get(SECRET);
        if (secret == null || !secret.isString() || secret.stringValue().isBlank()) {
            errors.add(pointerTo("config", SECRET), "is required: the secret webhook requests are signed with");
        } else if (secret.stringValue().length() > MAX_SECRET_LENGTH) {
            errors.add(pointerTo("config", SECRET), "must be at most " + MAX_SECRET_LENGTH + " characters");
        }
        errors.throwIfAny("invalid_destination_config",
                "The webhook configuration has " + errors.size() + " invalid field(s).");
        ObjectNode settings = json.createObjectNode().put(URL, url.stringValue());
        ObjectNode secrets = json.createObjectNode().put(SECRET, secret.stringValue());
        return new ConnectorConfig(settings, secrets);
    }

    @Override
    public Map<UUID, SendOutcome> send(ConnectorTarget target, List<OutboundDelivery> deliveries) {
        Map<UUID, Future<SendOutcome>> running = new LinkedHashMap<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (OutboundDelivery delivery : deliveries) {
                running.put(delivery.id(), executor.submit(() -> sendOne(target, delivery)));
            }
        }
        Map<UUID, SendOutcome> outcomes = new LinkedHashMap<>();
        running.forEach((id, future) -> outcomes.put(id, outcomeOf(future)));
        return outcomes;
    }

    /** The request body of one delivery, exactly as it is signed and sent. */
    byte[] body(OutboundDelivery delivery, Instant sentAt) {
        ObjectNode body = json.createObjectNode()
                .put("deliveryId", delivery.id().toString())
                .put("destinationId", delivery.destinationId().toString())
                .put("workspaceId", delivery.workspaceId())
                .put("profileId", delivery.profileId())
                .put("consentDecisionId", delivery.consentDecisionId())
                .put("kind", delivery.kind().name());
        if (delivery.kind() == DeliveryKind.event) {
            body.set("event", delivery.payload());
            body.putNull("segmentId");
        } else {
            body.putNull("event");
            JsonNode segmentId = delivery.payload().path("segmentId");
            body.put("segmentId", segmentId.isString() ? segmentId.stringValue() : null);
        }
        body.put("sentAt", sentAt.toString());
        return json.writeValueAsBytes(body);
    }

    private SendOutcome sendOne(ConnectorTarget target, OutboundDelivery delivery) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        byte[] body = body(delivery, now);
        String secret = target.secrets().path(SECRET).stringValue("");
        HttpRequest request = HttpRequest.newBuilder(URI.create(target.settings().path(URL).stringValue("")))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "OpenCDP-Webhook/1")
                .header("X-CDP-Delivery-Id", delivery.id().toString())
                .header("X-CDP-Timestamp", Long.toString(now.getEpochSecond()))
                .header("X-CDP-Signature", WebhookSigner.signature(secret, now.getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String detail;
            try (InputStream in = response.body()) {
                detail = status >= 200 && status < 300 ? null : snippet(in);
            }
            return SendOutcome.ofHttpStatus(status, detail, retryAfter(response));
        } catch (HttpTimeoutException e) {
            return new SendOutcome.RetryLater("timeout after " + timeout.toMillis() + " ms", null);
        } catch (IOException e) {
            return new SendOutcome.RetryLater("I/O error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendOutcome.RetryLater("interrupted while sending", null);
        }
    }

    private static SendOutcome outcomeOf(Future<SendOutcome> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return new SendOutcome.RetryLater("send failed: " + e.getCause(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendOutcome.RetryLater("interrupted while sending", null);
        }
    }

    static Optional<String> urlProblem(String value) {
        if (value.length() > MAX_URL_LENGTH) {
            return Optional.of("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            return Optional.of("must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("must name a host");
        }
        return Optional.empty();
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After")
                .filter(value -> value.trim().matches("\\d{1,6}"))
                .map(value -> Duration.ofSeconds(Long.parseLong(value.trim())))
                .orElse(null);
    }

    private static String snippet(InputStream in) throws IOException {
        String text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
        return text.replaceAll("\\s+", " ");
    }
}
