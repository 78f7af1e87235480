package org.opencdp.activation.delivery;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.opencdp.kit.problem.CdpException;

/** Where a delivery stands. The JSON and database form is the constant's name. */
enum DeliveryStatus {
    /** Waiting for its next attempt (or for consent-service). */
    pending,
    /** The destination accepted it. */
    delivered,
    /** consent-service denied it: it was never sent, and never will be. */
    blocked_by_consent,
    /** Refused by the destination or out of attempts: a dead letter, which can be replayed. */
    dead;

    static DeliveryStatus parse(String value) {
        return Arrays.stream(values()).filter(status -> status.name().equals(value)).findFirst()
                .orElseThrow(() -> CdpException.badRequest("invalid_parameter", "Parameter 'status' must be one of "
                        + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + "."));
    }
}
