package org.opencdp.identity;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the identity service, under {@code cdp.identity.*}.
 *
 * @param maxIdentifierLength the longest identifier value (in characters) an event may carry; an
 *     event with a longer one is dead-lettered. At most 600, so that even four-byte characters keep
 *     an identifier inside PostgreSQL's index row limit ({@code CDP_IDENTITY_MAX_IDENTIFIER_LENGTH})
 */
@Validated
@ConfigurationProperties("cdp.identity")
public record IdentityProperties(
        @DefaultValue("512") @Min(1) @Max(600) int maxIdentifierLength) {
}
