package org.opencdp.activation.consent;

/**
 * consent-service gave no usable answer (unreachable, timed out, an error status, an answer
 * without a decision). Deliveries then wait: they are neither sent nor dropped.
 */
public class ConsentUnavailableException extends Exception {

    public ConsentUnavailableException(String message) {
        super(message);
    }

    public ConsentUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
