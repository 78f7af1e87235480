package org.opencdp.activation.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.network.HostResolver;
import org.opencdp.activation.network.NetworkPolicy;
import org.opencdp.activation.network.OutboundHttp;
import org.opencdp.activation.network.PublicAddressResolver;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class WebhookConnectorTest {

    private final JsonMapper json = MessageCodec.mapper();
    /** Names resolve without a network: example.com to a public address, localhost to loopback. */
    private final HostResolver names = host -> switch (host) {
        case "example.com" -> new InetAddress[] {InetAddress.getByName("93.184.215.14")};
        case "localhost" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        default -> throw new UnknownHostException(host);
    };
    private final WebhookConnector connector = new WebhookConnector(
            new OutboundHttp(new PublicAddressResolver(names, NetworkPolicy.publicOnly()), Duration.ofSeconds(1)),
            Duration.ofSeconds(1), json, Clock.systemUTC());

    @Test
    void shouldSplitAValidConfigIntoSettingsAndSecrets() {
        ConnectorConfig config = connector.validate(config("https://example.com/hook?x=1", "s3cr3t"));

        assertThat(config.settings().propertyNames()).containsExactly("url");
        assertThat(config.settings().path("url").stringValue()).isEqualTo("https://example.com/hook?x=1");
        assertThat(config.secrets().path("secret").stringValue()).isEqualTo("s3cr3t");
        assertThat(config.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void shouldRefuseUrlsThatAreNotAbsoluteHttpOrHttps() {
        for (String url : List.of("ftp://example.com/x", "/relative/hook", "example.com/hook", "http://", "ht tp://x",
                "javascript:alert(1)")) {
            assertThatThrownBy(() -> connector.validate(config(url, "s")))
                    .as(url)
                    .isInstanceOfSatisfying(CdpException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_destination_config");
                        assertThat(pointers(e)).containsExactly("/config/url");
                    });
        }
        assertThat(connector.validate(config("HTTP://example.com:8080/hook", "s")).settings().path("url").stringValue())
                .isEqualTo("HTTP://example.com:8080/hook");
    }

    @Test
    void shouldRefuseUrlsWhoseHostIsNotPublicOrDoesNotResolve() {
        for (String url : List.of("http://localhost:8080/hook", "http://127.0.0.1/x", "http://[::1]/x",
                "http://169.254.169.254/latest/meta-data/", "http://nowhere.invalid/x", "http://user:pw@example.com/x")) {
            assertThatThrownBy(() -> connector.validate(config(url, "s")))
                    .as(url)
                    .isInstanceOfSatisfying(CdpException.class, e -> assertThat(pointers(e)).containsExactly("/config/url"));
        }
    }

    @Test
    void shouldListEveryProblemOfAConfigAtOnce() {
        ObjectNode config = json.createObjectNode().put("url", 42).put("secret", " ").put("headers", "x");

        assertThatThrownBy(() -> connector.validate(config))
                .isInstanceOfSatisfying(CdpException.class, e ->
                        assertThat(pointers(e)).containsExactlyInAnyOrder("/config/headers", "/config/url", "/config/secret"));
    }

    @Test
    void shouldCarryTheEventAndNoSegmentInAnEventBody() {
        ObjectNode event = json.createObjectNode().put("type", "track").put("event", "Order Completed");
        OutboundDelivery delivery = new OutboundDelivery(UUID.randomUUID(), UUID.randomUUID(), "ws", "p1", "dec-1",
                DeliveryKind.event, event, ProfileIdentifiers.NONE);

        JsonNode body = json.readTree(connector.body(delivery, Instant.parse("2025-01-02T03:04:05.678Z")));

        assertThat(body.propertyNames()).containsExactly("deliveryId", "destinationId", "workspaceId", "profileId",
                "consentDecisionId", "kind", "event", "segmentId", "version", "occurredAt", "sentAt");
        assertThat(body.path("deliveryId").stringValue()).isEqualTo(delivery.id().toString());
        assertThat(body.path("consentDecisionId").stringValue()).isEqualTo("dec-1");
        assertThat(body.path("kind").stringValue()).isEqualTo("event");
        assertThat(body.path("event")).isEqualTo(event);
        assertThat(body.get("segmentId").isNull()).isTrue();
        assertThat(body.get("version").isNull()).isTrue();
        assertThat(body.get("occurredAt").isNull()).isTrue();
        assertThat(body.path("sentAt").stringValue()).isEqualTo("2025-01-02T03:04:05.678Z");
    }

    @Test
    void shouldCarryTheSegmentItsVersionAndWhenItChangedAndNoEventInASegmentBody() {
        OutboundDelivery delivery = new OutboundDelivery(UUID.randomUUID(), UUID.randomUUID(), "ws", "p1", "dec-2",
                DeliveryKind.segment_exited, json.createObjectNode().put("segmentId", "seg-9").put("transition", "exited")
                        .put("version", 3).put("occurredAt", "2025-01-02T03:04:05.000001Z"),
                ProfileIdentifiers.NONE);

        JsonNode body = json.readTree(connector.body(delivery, Instant.now()));

        assertThat(body.propertyNames()).containsExactly("deliveryId", "destinationId", "workspaceId", "profileId",
                "consentDecisionId", "kind", "event", "segmentId", "version", "occurredAt", "sentAt");
        assertThat(body.path("kind").stringValue()).isEqualTo("segment_exited");
        assertThat(body.get("event").isNull()).isTrue();
        assertThat(body.path("segmentId").stringValue()).isEqualTo("seg-9");
        assertThat(body.path("version").longValue()).isEqualTo(3);
        assertThat(body.path("occurredAt").stringValue()).isEqualTo("2025-01-02T03:04:05.000001Z");
    }

    @Test
    void shouldLeaveTheVersionAndTimeNullWhenAMembershipPayloadLacksThem() {
        OutboundDelivery delivery = new OutboundDelivery(UUID.randomUUID(), UUID.randomUUID(), "ws", "p1", null,
                DeliveryKind.segment_entered, json.createObjectNode().put("segmentId", "seg-9"), ProfileIdentifiers.NONE);

        JsonNode body = json.readTree(connector.body(delivery, Instant.now()));

        assertThat(body.get("version").isNull()).isTrue();
        assertThat(body.get("occurredAt").isNull()).isTrue();
    }

    @Test
    void shouldClassifyHttpAnswers() {
        assertThat(SendOutcome.ofHttpStatus(200, null, null)).isEqualTo(new SendOutcome.Delivered(200));
        assertThat(SendOutcome.ofHttpStatus(204, null, null)).isInstanceOf(SendOutcome.Delivered.class);
        for (int status : List.of(408, 429, 500, 502, 503, 504)) {
            assertThat(SendOutcome.ofHttpStatus(status, "busy", null)).as("HTTP %d", status)
                    .isInstanceOf(SendOutcome.RetryLater.class);
        }
        assertThat(SendOutcome.ofHttpStatus(302, "<html>moved</html>", null))
                .isEqualTo(new SendOutcome.Rejected("HTTP 302: redirects are not followed"));
        assertThat(SendOutcome.ofHttpStatus(500, "line one\n\u0000line\ttwo\u202e", null))
                .isEqualTo(new SendOutcome.RetryLater("HTTP 500: line one line two", null));
        assertThat(((SendOutcome.Rejected) SendOutcome.ofHttpStatus(400, "x".repeat(5000), null)).error())
                .hasSizeLessThanOrEqualTo("HTTP 400: ".length() + 120);
        for (int status : List.of(301, 400, 401, 403, 404, 410, 422)) {
            assertThat(SendOutcome.ofHttpStatus(status, "no", null)).as("HTTP %d", status)
                    .isInstanceOf(SendOutcome.Rejected.class);
        }
        assertThat(SendOutcome.ofHttpStatus(429, "slow down", Duration.ofSeconds(7)))
                .isEqualTo(new SendOutcome.RetryLater("HTTP 429: slow down", Duration.ofSeconds(7)));
    }

    private ObjectNode config(String url, String secret) {
        return json.createObjectNode().put("url", url).put("secret", secret);
    }

    @SuppressWarnings("unchecked")
    private static List<String> pointers(CdpException e) {
        return ((List<InvalidField>) e.properties().get("errors")).stream().map(InvalidField::pointer).toList();
    }
}
