package org.opencdp.kit.kafka;

/**
 * A message that can never be processed as it is (invalid content, unknown workspace, a rule it
 * breaks). The consumer sends it straight to the dead-letter topic with this message as the reason
 * instead of retrying.
 */
public class PermanentMessageException extends RuntimeException {

    public PermanentMessageException(String message) {
        super(message);
    }

    public PermanentMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
