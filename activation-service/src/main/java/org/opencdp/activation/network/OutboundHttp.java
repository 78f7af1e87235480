package org.opencdp.activation.network;

import io.micrometer.tracing.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.opencdp.kit.logging.ServiceLogContext;
import org.opencdp.kit.tracing.TraceContexts;

/**
 * Every call activation makes to a destination goes through here, so each one:
 *
 * <ul>
 *   <li>reaches public addresses only ({@link NetworkPolicy}): the host is resolved and checked at
 *       connection time and the connection goes to the checked addresses ({@link PublicAddressResolver});</li>
 *   <li>follows no redirect (a 3xx is the answer), sends no cookies and uses no system proxy;</li>
 *   <li>has a total deadline: connecting, sending and reading the whole (bounded) answer; a receiver
 *       trickling its body is cut off when the deadline passes, its connection closed;</li>
 *   <li>reports failures as sanitised reasons ({@link Reasons});</li>
 *   <li>is a client span of the current trace ({@code HTTP <method>}) and sends its W3C
 *       {@code traceparent}, so a receiver that traces can continue it.</li>
 * </ul>
 */
public class OutboundHttp implements AutoCloseable {

    private static final int MAX_URL_LENGTH = 2048;

    private final PublicAddressResolver resolver;
    private final CloseableHttpClient client;
    private final ExecutorService calls = ServiceLogContext.virtualThreadPerTask("activation-call-");
    private final TraceContexts traces;

    public OutboundHttp(PublicAddressResolver resolver, Duration longestCall) {
        this(resolver, longestCall, TraceContexts.noop());
    }

    public OutboundHttp(PublicAddressResolver resolver, Duration longestCall, TraceContexts traces) {
        this.resolver = resolver;
        this.traces = traces;
        // the socket's own timeouts are a backstop: each call's deadline (at most longestCall) ends it first
        Timeout timeout = Timeout.of(longestCall.plusSeconds(1));
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver)
                        .setMaxConnTotal(500)
                        .setMaxConnPerRoute(100)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout)
                                .setSocketTimeout(timeout)
                                .setTimeToLive(TimeValue.ofMinutes(5))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .setUserAgent("OpenCDP/1")
                .build();
    }

    /** One request to a destination. {@code body} may be {@code null} (then {@code contentType} is ignored). */
    public record Request(String method, URI uri, Map<String, String> headers, byte[] body, String contentType) {

        public static Request json(String method, URI uri, Map<String, String> headers, byte[] body) {
            return new Request(method, uri, headers, body, "application/json");
        }
    }

    /**
     * Sends {@code request} and reads at most {@code maxBodyBytes} of the answer's body, all within
     * {@code deadline}. Never throws for a failed call.
     */
    public Exchange exchange(Request request, Duration deadline, int maxBodyBytes) {
        Span span = traces.continuing(null).kind(Span.Kind.CLIENT).name("HTTP " + request.method())
                .tag("http.request.method", request.method())
                // the host only: a webhook URL's path or query may be its secret (the span leaves the process)
                .tag("server.address", String.valueOf(request.uri().getHost())).start();
        try {
            Exchange exchange = exchange(request, deadline, maxBodyBytes, span);
            switch (exchange) {
                case Exchange.Answered answered -> span.tag("http.response.status_code", answered.status());
                case Exchange.Refused refused -> span.tag("error.type", "refused");
                case Exchange.Unreachable unreachable -> span.tag("error.type", "unreachable");
            }
            return exchange;
        } finally {
            span.end();
        }
    }

    private Exchange exchange(Request request, Duration deadline, int maxBodyBytes, Span span) {
        // checked here and again where the connection is opened, with the checked address pinned
        Optional<String> refusal = request.uri().getHost() == null ? Optional.of("the URL names no host")
                : resolver.refusal(request.uri().getHost());
        if (refusal.isPresent()) {
            return refusal.get().endsWith("does not resolve") ? new Exchange.Unreachable("host does not resolve")
                    : new Exchange.Refused(refusal.get());
        }
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), request.uri());
        request.headers().forEach(http::setHeader);
        traces.inject(span, http::setHeader);
        if (request.body() != null) {
            http.setEntity(new ByteArrayEntity(request.body(), ContentType.parse(request.contentType())));
        }
        CompletableFuture<Exchange> call = CompletableFuture.supplyAsync(() -> call(http, maxBodyBytes), calls);
        try {
            return call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            http.cancel(); // closes the connection: a trickling receiver holds nothing of ours
            call.cancel(true);
            return new Exchange.Unreachable("no complete answer within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Exchange.Unreachable("call failed (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            http.cancel();
            Thread.currentThread().interrupt();
            return new Exchange.Unreachable("interrupted");
        }
    }

    private Exchange call(HttpUriRequestBase http, int maxBodyBytes) {
        try (ClassicHttpResponse response = client.executeOpen(null, http, HttpClientContext.create())) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header header : response.getHeaders()) {
                headers.putIfAbsent(header.getName().toLowerCase(Locale.ROOT), header.getValue());
            }
            String body = "";
            HttpEntity entity = response.getEntity();
            if (entity != null && maxBodyBytes > 0) {
                try (InputStream in = entity.getContent()) {
                    body = new String(in.readNBytes(maxBodyBytes), StandardCharsets.UTF_8);
                }
            }
            return new Exchange.Answered(response.getCode(), headers, body);
        } catch (IOException e) {
            Optional<ForbiddenAddressException> forbidden = forbidden(e);
            if (forbidden.isPresent()) {
                return new Exchange.Refused(forbidden.get().getMessage());
            }
            if (http.isCancelled()) {
                return new Exchange.Unreachable("cancelled at the deadline");
            }
            return new Exchange.Unreachable(Reasons.ofFailure(e));
        }
    }

    /**
     * Why {@code url} cannot be a destination's address: not an absolute http(s) URL with a host, or
     * a host that does not resolve or resolves to an address destinations may not reach. Empty when it can.
     */
    public Optional<String> urlProblem(String url) {
        if (url.length() > MAX_URL_LENGTH) {
            return Optional.of("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
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
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry credentials before the host");
        }
        return resolver.refusal(uri.getHost());
    }

    private static Optional<ForbiddenAddressException> forbidden(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ForbiddenAddressException forbidden) {
                return Optional.of(forbidden);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        calls.shutdownNow();
        client.close();
    }
}
