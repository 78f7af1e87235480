package org.opencdp.activation.destination;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * What a destination receives: track events by name ({@code "*"} for every track event) and the
 * entries and exits of segments by id.
 */
record Subscriptions(
        @Size(max = 500) List<@NotBlank @Size(max = 200) String> events,
        @Size(max = 500) List<@NotBlank @Size(max = 200) String> segments) {

    /** The wildcard event subscription: every track event. */
    static final String ALL_EVENTS = "*";
}
