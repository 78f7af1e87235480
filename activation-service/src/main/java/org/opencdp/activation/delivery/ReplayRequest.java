package org.opencdp.activation.delivery;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

/** The optional body of a dead-letter replay: which dead letters; all of them when absent. */
record ReplayRequest(@Size(max = 1000) List<@NotNull UUID> deliveryIds) {

    /** {@code {"replayed": n}}. */
    record Replayed(int replayed) {
    }
}
