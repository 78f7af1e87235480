package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TopicWriter;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Activation's peers in a delivery IT: the upstream services publishing to it ({@link #upstream()},
 * on the test class's broker), and WireMock standing in for consent-service's decisions endpoint
 * ({@link #consent}) and for webhook receivers, one path per hook. WireMock starts at once, since the
 * service's settings point at it; {@link #stop()} after the class.
 */
final class Peers {

    final WireMockServer wiremock = new WireMockServer(options().dynamicPort());
    final ConsentServiceStub consent = new ConsentServiceStub(wiremock);
    private TopicWriter upstream;

    Peers() {
        wiremock.start();
    }

    /** Points the service at these peers, with timeouts and delays short enough for tests. */
    void configure(DynamicPropertyRegistry registry) {
        configure(registry, "127.0.0.0/8,::1");
    }

    /** As {@link #configure(DynamicPropertyRegistry)}, allowing destinations to reach {@code allow} only. */
    void configure(DynamicPropertyRegistry registry, String allow) {
        settings(allow).forEach((name, value) -> registry.add(name, () -> value));
    }

    /** The settings {@link #configure(DynamicPropertyRegistry)} adds, for a context a test starts itself. */
    Map<String, Object> settings() {
        return settings("127.0.0.0/8,::1");
    }

    private Map<String, Object> settings(String allow) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("cdp.activation.consent.url", wiremock.baseUrl());
        settings.put("cdp.activation.consent.timeout", "3s");
        settings.put("cdp.activation.send-timeout", "3s");
        // WireMock listens on loopback, which destinations may reach only when allowed (issue 13)
        settings.put("cdp.activation.network.allow", allow);
        settings.put("cdp.activation.dispatch-interval", "50ms");
        settings.put("cdp.activation.retry-base-delay", "100ms");
        settings.put("cdp.activation.retry-max-delay", "400ms");
        return settings;
    }

    /** Publishes messages as identity and segmentation do. */
    synchronized TopicWriter upstream() {
        if (upstream == null) {
            upstream = CdpTestEnvironment.current().writer();
        }
        return upstream;
    }

    /** A path no other test's hook uses. */
    static String newHook() {
        return "/hooks/" + UUID.randomUUID();
    }

    String url(String hook) {
        return wiremock.baseUrl() + hook;
    }

    /** The hook's URL with {@code host} (a name or an address literal) instead of WireMock's. */
    String url(String host, String hook) {
        return "http://" + host + ":" + wiremock.port() + hook;
    }

    /** The hook at {@code path} answers every request with 200. */
    void accepts(String hook) {
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok()));
    }

    /** The requests the hook at {@code path} received, oldest first. */
    List<LoggedRequest> requests(String hook) {
        return wiremock.findAll(postRequestedFor(urlEqualTo(hook)));
    }

    static JsonNode body(LoggedRequest request) {
        return MessageCodec.mapper().readTree(request.getBodyAsString());
    }

    void stop() {
        wiremock.stop();
        if (upstream != null) {
            upstream.close();
        }
    }
}
