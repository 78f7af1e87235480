package org.opencdp.e2e.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/** A webhook endpoint (WireMock) that accepts every delivery and remembers it. */
public final class WebhookReceiver implements AutoCloseable {

    private static final String PATH = "/hook";

    /** One request the webhook received. */
    public record Received(String body, String deliveryIdHeader, String timestamp, String signature,
                           String traceparent) {

        public JsonNode json() {
            return MessageCodec.mapper().readTree(body);
        }

        public String profileId() {
            return json().path("profileId").asString();
        }

        public String kind() {
            return json().path("kind").asString();
        }

        /** {@code v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}, as the receiver recomputes it. */
        public String expectedSignature(String secret) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
                return "v1=" + HexFormat.of().formatHex(digest);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "X-CDP-Delivery-Id=" + deliveryIdHeader + " X-CDP-Timestamp=" + timestamp + " " + body;
        }
    }

    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    public WebhookReceiver() {
        server.start();
        server.stubFor(post(PATH).willReturn(ok()));
    }

    public String url() {
        return server.baseUrl() + PATH;
    }

    /** Every request received so far, oldest first. */
    public List<Received> received() {
        return server.findAll(postRequestedFor(urlEqualTo(PATH))).stream().map(WebhookReceiver::received).toList();
    }

    /** The requests received for {@code profileId}. */
    public List<Received> receivedFor(String profileId) {
        return received().stream().filter(r -> profileId.equals(r.profileId())).toList();
    }

    private static Received received(LoggedRequest request) {
        return new Received(request.getBodyAsString(), request.getHeader("X-CDP-Delivery-Id"),
                request.getHeader("X-CDP-Timestamp"), request.getHeader("X-CDP-Signature"),
                request.getHeader("traceparent"));
    }

    @Override
    public void close() {
        server.stop();
    }
}
