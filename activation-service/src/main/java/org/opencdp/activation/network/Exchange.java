package org.opencdp.activation.network;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What one call to a destination came to: an answer, no answer, or a refusal to even try. */
public sealed interface Exchange {

    /**
     * The destination answered {@code status}, with at most the configured number of bytes of its
     * body ({@code body}, UTF-8; a longer body is cut) and its headers (names lower-cased, first value).
     */
    record Answered(int status, Map<String, String> headers, String body) implements Exchange {

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
        }

        /** {@code Retry-After} as delay-seconds or an HTTP date, from now; {@code null} without one. */
        public Duration retryAfter() {
            return header("Retry-After").map(RetryAfter::parse).orElse(null);
        }

        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    /** No (complete) answer: timed out, refused the connection, broke off. Worth retrying. {@code reason} is sanitised. */
    record Unreachable(String reason) implements Exchange {
    }

    /** Not sent: the destination's host resolves to an address destinations may not reach. Permanent. */
    record Refused(String reason) implements Exchange {
    }
}
