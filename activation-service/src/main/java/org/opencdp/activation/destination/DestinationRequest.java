package org.opencdp.activation.destination;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of {@code POST /v1/destinations} and {@code PUT /v1/destinations/{id}}. On update, the
 * credentials in {@code config} (e.g. a webhook's {@code secret}) may be left out to keep the
 * stored ones. {@code enabled} defaults to true.
 */
record DestinationRequest(
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Size(max = 50) String type,
        @NotNull ObjectNode config,
        @Size(max = 50) List<@NotBlank @Size(max = 100) String> requiredPurposes,
        @Valid Subscriptions subscriptions,
        Boolean enabled) {
}
