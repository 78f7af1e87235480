package org.opencdp.profile.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The profile service's settings, under {@code cdp.profile.*}.
 *
 * @param events the Profile API's event history
 */
@Validated
@ConfigurationProperties("cdp.profile")
public record ProfileProperties(@Valid @DefaultValue Events events) {

    /**
     * @param defaultLimit events per page when the caller gives no {@code limit}
     * @param maxLimit the largest {@code limit} a caller may ask for
     */
    public record Events(@DefaultValue("50") @Min(1) int defaultLimit,
                         @DefaultValue("200") @Min(1) int maxLimit) {
    }
}
