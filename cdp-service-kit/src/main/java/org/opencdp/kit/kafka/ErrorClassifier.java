package org.opencdp.kit.kafka;

import java.util.List;
import org.opencdp.contracts.MalformedMessageException;
import tools.jackson.core.JacksonException;

/**
 * Which consumer errors are permanent (dead-letter at once: retrying cannot help) and which are
 * retriable (I/O, lock timeouts, a broker or database away for a moment: retried with backoff).
 * Modelled on Debezium's {@code isRetriable} / {@code isPermanentError}.
 */
public final class ErrorClassifier {

    /** Exception types that mean the record itself is at fault. */
    public static final List<Class<? extends Exception>> PERMANENT = List.of(
            PermanentMessageException.class,
            MalformedMessageException.class,
            JacksonException.class,
            IllegalArgumentException.class,
            ClassCastException.class,
            NullPointerException.class,
            org.springframework.kafka.support.serializer.DeserializationException.class,
            org.springframework.messaging.converter.MessageConversionException.class);

    public static boolean isPermanent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            for (Class<? extends Exception> type : PERMANENT) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private ErrorClassifier() {
    }
}
