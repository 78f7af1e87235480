package org.opencdp.kit.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.problem.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits on the management APIs, after {@link BearerAuthenticationFilter} has named the caller:
 * <ul>
 *   <li><b>Request size.</b> A body over {@code cdp.kit.limits.max-request-size} answers 413
 *       {@code payload_too_large}: at once when {@code Content-Length} says so, and when a chunked
 *       body grows past it while it is read ({@link RequestTooLargeException}).</li>
 *   <li><b>Rate per token.</b> Each bearer token has a token bucket of
 *       {@code burst} requests refilled at {@code requests-per-second}; an empty bucket answers 429
 *       {@code rate_limited} with {@code Retry-After}. Buckets are per instance, so N instances allow
 *       N times the rate. Service credentials ({@link ServiceCredentials}) are not limited: their
 *       rate follows the platform's own traffic.</li>
 * </ul>
 * Public paths (the Tracking API has its own limits, health, OpenAPI) are not limited here.
 */
public class ManagementLimitsFilter extends OncePerRequestFilter {

    /** Idle buckets are dropped after this long, so the map holds only recent callers. */
    private static final long IDLE_NANOS = 10L * 60 * 1_000_000_000L;

    private final long maxRequestBytes;
    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long nextSweep = System.nanoTime() + IDLE_NANOS;

    ManagementLimitsFilter(KitProperties.Limits limits) {
        this.maxRequestBytes = limits.maxRequestSize().toBytes();
        this.perSecond = limits.requestsPerSecond();
        this.burst = Math.max(limits.burst(), 1);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!(request.getAttribute(BearerAuthenticationFilter.CALLER_ATTRIBUTE) instanceof Caller caller)) {
            chain.doFilter(request, response);
            return;
        }
        if (!caller.subject().startsWith(ServiceCredentials.SUBJECT_PREFIX)) {
            long waitMillis = take(request.getHeader(HttpHeaders.AUTHORIZATION));
            if (waitMillis > 0) {
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (waitMillis + 999) / 1000)));
                Problems.write(response, 429, "rate_limited", "Too many requests",
                        "This token made more than " + (long) burst + " requests at once or " + perSecond
                                + " a second for a while; try again after the Retry-After seconds.",
                        request.getRequestURI());
                return;
            }
        }
        long length = request.getContentLengthLong();
        if (length > maxRequestBytes) {
            tooLarge(request, response);
            return;
        }
        chain.doFilter(length < 0 ? new SizeLimitedRequest(request, maxRequestBytes) : request, response);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Problems.write(response, 413, "payload_too_large", "Payload too large",
                "The request body is larger than " + maxRequestBytes + " bytes.", request.getRequestURI());
    }

    /** Takes one request from the caller's bucket: 0 when allowed, else the milliseconds until one is. */
    private long take(String key) {
        long now = System.nanoTime();
        sweep(now);
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) / 1e9 * perSecond);
            bucket.updated = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - bucket.tokens) / perSecond * 1000);
        }
    }

    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + IDLE_NANOS;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            synchronized (bucket) {
                if (now - bucket.updated > IDLE_NANOS) {
                    it.remove();
                }
            }
        }
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    /** A body of unknown length grew past the limit while it was read; answered 413. */
    public static final class RequestTooLargeException extends IOException {
        RequestTooLargeException(long limit) {
            super("The request body is larger than " + limit + " bytes.");
        }
    }

    /** A request whose body stream fails with {@link RequestTooLargeException} past {@code limit} bytes. */
    private static final class SizeLimitedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        SizeLimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Limited(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class Limited extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        Limited(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new RequestTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
