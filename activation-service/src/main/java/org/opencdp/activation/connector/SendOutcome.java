package org.opencdp.activation.connector;

import java.time.Duration;

/** What became of one send: delivered, worth retrying later, or refused for good. */
public sealed interface SendOutcome {

    /** The destination accepted it. */
    record Delivered(int status) implements SendOutcome {
    }

    /**
     * A transient failure (timeout, I/O error, 408, 429, 5xx): retried with backoff until the
     * attempts run out. {@code retryAfter} is the destination's own hint, or {@code null}.
     */
    record RetryLater(String error, Duration retryAfter) implements SendOutcome {
    }

    /** The destination refused it (a 4xx other than 408 and 429): retrying cannot help. */
    record Rejected(String error) implements SendOutcome {
    }

    /** Classifies an HTTP answer: 2xx delivered; 408, 429 and 5xx retried; anything else rejected. */
    static SendOutcome ofHttpStatus(int status, String detail, Duration retryAfter) {
        String error = "HTTP " + status + (detail == null || detail.isBlank() ? "" : ": " + detail);
        if (status >= 200 && status < 300) {
            return new Delivered(status);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new RetryLater(error, retryAfter);
        }
        return new Rejected(error);
    }
}
