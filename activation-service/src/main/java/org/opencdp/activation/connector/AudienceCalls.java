package org.opencdp.activation.connector;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.opencdp.activation.network.Exchange;
import org.opencdp.activation.network.OutboundHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON calls of the ad and CRM connectors through {@link OutboundHttp} (public addresses only, no
 * redirects, a total deadline): each ends by the earlier of the send timeout and the round's
 * deadline, and a call the round has no time left for is not made (retried later).
 */
final class AudienceCalls {

    static final SendOutcome OUT_OF_TIME = new SendOutcome.RetryLater("not sent: the dispatch round ran out of time",
            null);
    /** What is read of an answer: enough for a job's name or an error's message. */
    private static final int MAX_ANSWER = 16 * 1024;

    private final OutboundHttp http;
    private final Duration timeout;
    private final JsonMapper json;
    private final Clock clock;

    AudienceCalls(OutboundHttp http, Duration timeout, JsonMapper json, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.json = json;
        this.clock = clock;
    }

    /** Sends {@code body} as JSON; empty when the round has no time left. */
    Optional<Exchange> call(String method, URI uri, Map<String, String> headers, JsonNode body, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.toMillis() <= 0) {
            return Optional.empty();
        }
        byte[] bytes = body == null ? null : json.writeValueAsBytes(body);
        return Optional.of(http.exchange(new OutboundHttp.Request(method, uri, headers, bytes, "application/json"),
                left.compareTo(timeout) < 0 ? left : timeout, MAX_ANSWER));
    }

    /** The answer's body as JSON, or a missing node when it is not JSON. */
    JsonNode answer(Exchange.Answered answered) {
        try {
            return answered.body().isBlank() ? json.missingNode() : json.readTree(answered.body());
        } catch (RuntimeException e) {
            return json.missingNode();
        }
    }

    /** The outcome of a call that was made, by {@link SendOutcome#of} with {@code reasonOf} reading the error. */
    SendOutcome outcome(Optional<Exchange> exchange, Function<Exchange.Answered, String> reasonOf) {
        return exchange.map(made -> SendOutcome.of(made, reasonOf)).orElse(OUT_OF_TIME);
    }

    JsonMapper json() {
        return json;
    }
}
