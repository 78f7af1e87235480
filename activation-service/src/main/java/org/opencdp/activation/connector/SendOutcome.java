package org.opencdp.activation.connector;

import java.time.Duration;
import java.util.function.Function;
import org.opencdp.activation.network.Exchange;
import org.opencdp.activation.network.Reasons;

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

    /**
     * Classifies an HTTP answer: 2xx delivered; 408, 429 and 5xx retried; a redirect (never followed)
     * and any other 4xx rejected. {@code detail} is the receiver's reason, sanitised here.
     */
    static SendOutcome ofHttpStatus(int status, String detail, Duration retryAfter) {
        if (status >= 200 && status < 300) {
            return new Delivered(status);
        }
        if (status >= 300 && status < 400) {
            return new Rejected(Reasons.ofStatus(status, "redirects are not followed"));
        }
        String error = Reasons.ofStatus(status, detail);
        if (status == 408 || status == 429 || status >= 500) {
            return new RetryLater(error, retryAfter);
        }
        return new Rejected(error);
    }

    /**
     * Classifies a call: an answer by {@link #ofHttpStatus} with {@code reasonOf} picking the
     * receiver's reason out of its body; no answer retried; a refused address rejected.
     */
    static SendOutcome of(Exchange exchange, Function<Exchange.Answered, String> reasonOf) {
        return switch (exchange) {
            case Exchange.Answered answered -> ofHttpStatus(answered.status(),
                    answered.successful() ? null : reasonOf.apply(answered), answered.retryAfter());
            case Exchange.Unreachable unreachable -> new RetryLater(unreachable.reason(), null);
            case Exchange.Refused refused -> new Rejected("not sent: " + refused.reason());
        };
    }
}
