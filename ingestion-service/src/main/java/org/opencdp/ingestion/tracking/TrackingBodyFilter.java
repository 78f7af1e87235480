package org.opencdp.ingestion.tracking;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.kit.problem.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Reads each Tracking API body before Spring MVC does: gunzips {@code Content-Encoding: gzip}, and
 * holds the body (compressed and decompressed) to {@code cdp.ingestion.max-request-size}. An
 * oversized body or gzip bomb answers 413 {@code payload_too_large}, a corrupt gzip body 400
 * {@code invalid_gzip}, another encoding 415 {@code unsupported_content_encoding}. The controller
 * then sees the plain body.
 */
class TrackingBodyFilter extends OncePerRequestFilter {

    private static final String BODY = TrackingBodyFilter.class.getName() + ".body";

    private final int limit;

    TrackingBodyFilter(int limit) {
        this.limit = limit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body;
        try {
            body = BoundedBody.read(request.getInputStream(), request.getHeader(HttpHeaders.CONTENT_ENCODING),
                    request.getContentLengthLong(), limit);
        } catch (BoundedBody.TooLarge e) {
            Problems.write(response, 413, "payload_too_large", "Payload too large",
                    "The request body exceeds " + limit + " bytes (after decompression).", request.getRequestURI());
            return;
        } catch (BoundedBody.CorruptBody e) {
            Problems.write(response, 400, "invalid_gzip", "Invalid request",
                    "The body is not valid gzip data.", request.getRequestURI());
            return;
        } catch (BoundedBody.UnsupportedEncoding e) {
            Problems.write(response, 415, "unsupported_content_encoding", "Unsupported media type",
                    "Send the body as is or with 'Content-Encoding: gzip'.", request.getRequestURI());
            return;
        }
        request.setAttribute(BODY, body);
        chain.doFilter(new BufferedRequest(request, body), response);
    }

    /** The request's body as this filter read it (decompressed); empty when there was none. */
    static byte[] bodyOf(HttpServletRequest request) {
        return request.getAttribute(BODY) instanceof byte[] body ? body : new byte[0];
    }

    /**
     * The request with its body read and decoded: no {@code Content-Encoding}, the real length, and
     * parameters from the query string only (never from the body, whatever its content type).
     */
    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final byte[] body;
        private final Map<String, String[]> parameters;

        BufferedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.parameters = queryParameters(request.getQueryString());
        }

        private static Map<String, String[]> queryParameters(String query) {
            Map<String, String[]> parameters = new LinkedHashMap<>();
            if (query != null && !query.isEmpty()) {
                UriComponentsBuilder.newInstance().query(query).build().getQueryParams().forEach((name, values) ->
                        parameters.put(decode(name), values.stream()
                                .map(value -> value == null ? "" : decode(value)).toArray(String[]::new)));
            }
            return Collections.unmodifiableMap(parameters);
        }

        private static String decode(String value) {
            try {
                return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return value;
            }
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getHeader(String name) {
            if (HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name)) {
                return null;
            }
            if (HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                return Integer.toString(body.length);
            }
            return super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = getHeader(name);
            if (HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name)
                    || HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                return Collections.enumeration(value == null ? List.of() : List.of(value));
            }
            return super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name))
                    .toList();
            return Collections.enumeration(names);
        }
    }
}
