package org.opencdp.segmentation.segment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

/** Body of {@code POST /v1/segments} and {@code PUT /v1/segments/{id}}. */
record SegmentRequest(@NotBlank @Size(max = 200) String name, @NotNull JsonNode condition) {
}
