package org.opencdp.identity.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierTypeTest {

    @Test
    void shouldParseTheWireNamesOfSupportedTypes() {
        assertThat(IdentifierType.fromWireName("user_id")).contains(IdentifierType.USER_ID);
        assertThat(IdentifierType.fromWireName("anonymous_id")).contains(IdentifierType.ANONYMOUS_ID);
    }

    @Test
    void shouldRejectUnsupportedAndWronglyCasedTypes() {
        assertThat(IdentifierType.fromWireName("email")).isEmpty();
        assertThat(IdentifierType.fromWireName("USER_ID")).isEmpty();
        assertThat(IdentifierType.fromWireName("")).isEmpty();
        assertThat(IdentifierType.fromWireName(null)).isEmpty();
    }

    @Test
    void shouldOrderUserIdBeforeAnonymousIdWhateverTheValues() {
        List<PersonIdentifier> identifiers = new ArrayList<>(List.of(
                new PersonIdentifier(IdentifierType.ANONYMOUS_ID, "a"),
                new PersonIdentifier(IdentifierType.USER_ID, "z")));

        identifiers.sort(PersonIdentifier.PRIORITY);

        assertThat(identifiers).extracting(PersonIdentifier::type)
                .containsExactly(IdentifierType.USER_ID, IdentifierType.ANONYMOUS_ID);
    }

    @Test
    void shouldConvertToTheContractIdentifier() {
        assertThat(new PersonIdentifier(IdentifierType.ANONYMOUS_ID, "anon-1").toContract())
                .isEqualTo(new org.opencdp.contracts.Identifier("anonymous_id", "anon-1"));
    }
}
