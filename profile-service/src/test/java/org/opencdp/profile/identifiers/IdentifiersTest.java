package org.opencdp.profile.identifiers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;

/** Issue 14: profile keeps identity's identifiers as identity resolved them, only filtered to what PostgreSQL can store. */
class IdentifiersTest {

    @Test
    void shouldKeepIdentitysIdentifiersAsTheyAreSortedAndOnce() {
        List<Identifier> resolved = List.of(new Identifier("user_id", "u-1"), new Identifier("phone", "+442079460958"),
                new Identifier("ios.idfa", "AB-12"), new Identifier("loyalty_card", "LC 0042"),
                new Identifier("email", "ada@example.com"), new Identifier("user_id", "u-1"));

        assertThat(Identifiers.storable(resolved)).containsExactly(new Identifier("email", "ada@example.com"),
                new Identifier("ios.idfa", "AB-12"), new Identifier("loyalty_card", "LC 0042"),
                new Identifier("phone", "+442079460958"), new Identifier("user_id", "u-1"));
    }

    @Test
    void shouldLeaveOutWhatPostgresqlCannotKeepAndWhatIsNoIdentifier() {
        List<Identifier> resolved = Arrays.asList(new Identifier("user_id", "x".repeat(255)),
                new Identifier("user_id", "y".repeat(256)), new Identifier("user_id", "a\u0000b"),
                null, new Identifier("user_id", null), new Identifier("user_id", "  "),
                new Identifier("User ID", "u-2"), new Identifier(null, "u-3"));

        assertThat(Identifiers.storable(resolved)).containsExactly(new Identifier("user_id", "x".repeat(255)));
        assertThat(Identifiers.storable(null)).isEmpty();
    }
}
