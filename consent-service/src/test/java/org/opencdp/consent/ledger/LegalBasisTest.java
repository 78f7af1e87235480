package org.opencdp.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LegalBasisTest {

    @Test
    void shouldValidateExactlyTheValuesItsConstantsName() {
        assertThat(LegalBasis.WIRE_NAMES)
                .isEqualTo(Arrays.stream(LegalBasis.values()).map(Enum::name).collect(Collectors.joining("|")));
    }
}
