package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.identity.graph.IdentifierType;
import org.opencdp.identity.graph.IdentityLink;
import org.opencdp.identity.graph.PersonIdentifier;

class ProfileSelectionTest {

    private static final PersonIdentifier USER = new PersonIdentifier(IdentifierType.USER_ID, "u1");
    private static final PersonIdentifier ANONYMOUS = new PersonIdentifier(IdentifierType.ANONYMOUS_ID, "a1");
    private static final List<PersonIdentifier> BOTH = List.of(USER, ANONYMOUS);

    @Test
    void shouldChooseTheUserIdsProfileWhenUserAndAnonymousIdPointToDifferentProfiles() {
        var known = Map.of(USER, link(USER, "p-user"), ANONYMOUS, link(ANONYMOUS, "p-anon"));

        assertThat(ProfileSelection.select(BOTH, known)).contains("p-user");
    }

    @Test
    void shouldChooseTheAnonymousIdsProfileWhenTheUserIdIsUnknown() {
        assertThat(ProfileSelection.select(BOTH, Map.of(ANONYMOUS, link(ANONYMOUS, "p-anon")))).contains("p-anon");
    }

    @Test
    void shouldChooseNothingWhenNoIdentifierIsKnown() {
        assertThat(ProfileSelection.select(BOTH, Map.of())).isEmpty();
    }

    private static IdentityLink link(PersonIdentifier identifier, String profileId) {
        return new IdentityLink(identifier, profileId, Instant.EPOCH, "m1", "s1");
    }
}
