package org.opencdp.segmentation.segment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /v1/segments} and {@code PUT /v1/segments/{id}}. A name holding U+0000 is refused
 * (PostgreSQL's text cannot store it: the INSERT would fail with a 500).
 */
record SegmentRequest(@NotBlank @Size(max = 200) @Pattern(regexp = "[^\\x00]*",
        message = "may not hold the character U+0000") String name, @NotNull JsonNode condition) {
}
