package org.opencdp.activation.network;

import java.net.UnknownHostException;

/**
 * A destination's host resolves to an address it may not reach. An {@link UnknownHostException},
 * so the HTTP client gives up on the connection before opening it.
 */
public class ForbiddenAddressException extends UnknownHostException {

    public ForbiddenAddressException(String reason) {
        super(reason);
    }
}
