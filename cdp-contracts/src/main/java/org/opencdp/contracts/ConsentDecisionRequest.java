package org.opencdp.contracts;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of consent-service's {@code POST /v1/consent/decisions}, as activation-service sends it:
 * may these profiles' data leave for these purposes?
 *
 * @param jurisdiction where the defaults apply ({@code EU}, {@code US-CA}); none means the
 *     {@code "*"} default
 */
public record ConsentDecisionRequest(
        @NotEmpty @Size(max = 100) List<@NotBlank String> purposes,
        @NotNull @Size(max = MAX_PROFILES) List<@NotBlank @Size(max = 200) String> profileIds,
        String jurisdiction) {

    /** The most profiles one request may ask about. */
    public static final int MAX_PROFILES = 1000;
}
