package org.opencdp.consent.subjects;

import java.util.List;
import org.opencdp.contracts.Identifier;

/** A profile seen in a resolved event, with the identifiers the event knew it by. */
public record Sighting(String workspaceId, String profileId, List<Identifier> identifiers) {

    public Sighting {
        identifiers = List.copyOf(identifiers);
    }
}
