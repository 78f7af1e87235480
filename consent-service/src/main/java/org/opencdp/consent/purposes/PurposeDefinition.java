package org.opencdp.consent.purposes;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * A purpose as the API reads and writes it.
 *
 * @param defaults default consent per jurisdiction ({@code {"EU": false, "US": true, "*": false}});
 *     missing or empty means opt-in everywhere
 */
public record PurposeDefinition(
        @NotBlank @Pattern(regexp = PurposeKey.REGEX, message = "must match " + PurposeKey.REGEX) String key,
        @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String description,
        Map<String, Boolean> defaults) {

    public PurposeDefinition {
        defaults = defaults == null ? Map.of() : defaults;
    }
}
