package org.opencdp.identity.resolution;

/**
 * A profile read for an event was merged away by a transaction that committed after the read:
 * resolution starts over in a new transaction, which reads the links as they are now.
 */
class StaleGraphException extends RuntimeException {

    StaleGraphException(String message) {
        super(message);
    }
}
