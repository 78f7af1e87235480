package org.opencdp.activation.connector;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.activation.network.OutboundHttp;
import org.opencdp.kit.logging.ServiceLogContext;
import org.opencdp.kit.problem.ValidationErrors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The signed webhook: one JSON {@code POST} per delivery to the configured URL, with {@code
 * X-CDP-Delivery-Id}, {@code X-CDP-Timestamp} and {@code X-CDP-Signature} headers (see {@link
 * WebhookSigner}). A delivery retried keeps its id, so receivers can de-duplicate by it. The URL must
 * reach a public address ({@link OutboundHttp}), when saved and again at every send.
 *
 * <p>The deliveries of one call are sent concurrently; they are of different profiles, since a round
 * claims at most one delivery per destination and profile ({@code DeliveryRepository#claimDue}), so one
 * profile's deliveries arrive in the order they were queued. A membership change's body carries its
 * {@code version} (increasing per profile and segment) and {@code occurredAt}, so a receiver can also
 * discard a stale one, e.g. a replay.
 */
@Component
class WebhookConnector implements Connector {

    static final String TYPE = "webhook";
    static final String URL = "url";
    static final String SECRET = "secret";
    private static final int MAX_SECRET_LENGTH = 1024;
    /** What is read of a refusal's body: enough for a short reason. */
    private static final int MAX_ERROR_BODY = 512;

    private final OutboundHttp http;
    private final Duration timeout;
    private final JsonMapper json;
    private final Clock clock;

    @Autowired
    WebhookConnector(OutboundHttp http, ActivationProperties properties, JsonMapper json) {
        this(http, properties.sendTimeout(), json, Clock.systemUTC());
    }

    WebhookConnector(OutboundHttp http, Duration timeout, JsonMapper json, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.json = json;
        this.clock = clock;
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
            http.urlProblem(url.stringValue()).ifPresent(problem -> errors.add(pointerTo("config", URL), problem));
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
    public Map<UUID, SendOutcome> send(ConnectorTarget target, List<OutboundDelivery> deliveries, Instant deadline) {
        Map<UUID, Future<SendOutcome>> running = new LinkedHashMap<>();
        try (var executor = ServiceLogContext.virtualThreadPerTask("activation-webhook-")) {
            for (OutboundDelivery delivery : deliveries) {
                running.put(delivery.id(), executor.submit(() -> sendOne(target, delivery, deadline)));
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
            body.putNull("version");
            body.putNull("occurredAt");
        } else {
            body.putNull("event");
            JsonNode payload = delivery.payload();
            body.put("segmentId", text(payload.path("segmentId")));
            // the membership's version (per profile and segment) and when it changed: a receiver keeps the newest
            JsonNode version = payload.path("version");
            if (version.isIntegralNumber()) {
                body.put("version", version.longValue());
            } else {
                body.putNull("version");
            }
            body.put("occurredAt", text(payload.path("occurredAt")));
        }
        body.put("sentAt", sentAt.toString());
        return json.writeValueAsBytes(body);
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.stringValue() : null;
    }

    private SendOutcome sendOne(ConnectorTarget target, OutboundDelivery delivery, Instant deadline) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.toMillis() <= 0) {
            return new SendOutcome.RetryLater("not sent: the dispatch round ran out of time", null);
        }
        byte[] body = body(delivery, now);
        String secret = target.secrets().path(SECRET).stringValue("");
        URI uri = URI.create(target.settings().path(URL).stringValue(""));
        OutboundHttp.Request request = OutboundHttp.Request.json("POST", uri, Map.of(
                "X-CDP-Delivery-Id", delivery.id().toString(),
                "X-CDP-Timestamp", Long.toString(now.getEpochSecond()),
                "X-CDP-Signature", WebhookSigner.signature(secret, now.getEpochSecond(), body),
                "User-Agent", "OpenCDP-Webhook/1"), body);
        Duration callTimeout = left.compareTo(timeout) < 0 ? left : timeout;
        return SendOutcome.of(http.exchange(request, callTimeout, MAX_ERROR_BODY), answered -> answered.body());
    }

    private static SendOutcome outcomeOf(Future<SendOutcome> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return new SendOutcome.RetryLater("send failed (" + e.getCause().getClass().getSimpleName() + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendOutcome.RetryLater("interrupted while sending", null);
        }
    }
}
