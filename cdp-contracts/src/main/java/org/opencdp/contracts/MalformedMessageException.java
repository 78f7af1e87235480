package org.opencdp.contracts;

/** A record that is not a valid message of its topic. Permanent: retrying it cannot succeed. */
public class MalformedMessageException extends RuntimeException {

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
