package org.opencdp.identity.resolution;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.opencdp.identity.graph.IdentityLink;
import org.opencdp.identity.graph.PersonIdentifier;

/** Which known profile an event belongs to, before anything is written. */
final class ProfileSelection {

    /**
     * The profile of the highest-priority identifier that has one ({@code user_id} before {@code
     * anonymous_id}); empty when none of {@code identifiers} is known.
     *
     * @param identifiers the event's identifiers, highest priority first
     * @param known the links of those identifiers that are attached to a profile
     */
    static Optional<String> select(List<PersonIdentifier> identifiers, Map<PersonIdentifier, IdentityLink> known) {
        return identifiers.stream()
                .map(known::get)
                .filter(Objects::nonNull)
                .map(IdentityLink::profileId)
                .findFirst();
    }

    private ProfileSelection() {
    }
}
