package org.opencdp.identity.resolution;

import org.springframework.dao.ConcurrencyFailureException;

/**
 * A profile read for an event was merged away by a transaction that committed after the read:
 * resolution starts over in a new transaction, which reads the links as they are now. It is a
 * {@link ConcurrencyFailureException}, which the kit's batch consumer answers by running the chunk again.
 */
class StaleGraphException extends ConcurrencyFailureException {

    StaleGraphException(String message) {
        super(message);
    }
}
