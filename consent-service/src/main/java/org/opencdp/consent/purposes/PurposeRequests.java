package org.opencdp.consent.purposes;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The bodies of {@code GET/PUT /v1/purposes}. */
final class PurposeRequests {

    /** {@code PUT /v1/purposes}: the workspace's whole set of purposes. */
    record PutPurposesRequest(@NotNull @Size(max = 200) List<@Valid @NotNull PurposeDefinition> purposes) {
    }

    record PurposesResponse(List<PurposeDefinition> purposes) {
    }

    private PurposeRequests() {
    }
}
