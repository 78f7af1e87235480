package org.opencdp.consent.ledger;

import java.util.List;

/** What one event or one API call states about one profile's consent, in the order stated. */
record StatedConsent(ProfileRef profile, List<ConsentStatement> statements) {

    StatedConsent {
        statements = List.copyOf(statements);
    }
}
