package org.opencdp.segmentation.segment;

import jakarta.validation.constraints.NotNull;
import tools.jackson.databind.JsonNode;

/** Body of {@code POST /v1/segments/preview}. */
record PreviewRequest(@NotNull JsonNode condition) {
}
