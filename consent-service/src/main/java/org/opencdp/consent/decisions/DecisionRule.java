package org.opencdp.consent.decisions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.consent.ledger.PurposeState;
import org.opencdp.consent.purposes.PurposeDefaults;
import org.opencdp.contracts.ConsentDecisions;

/**
 * The consent decision for one profile and a set of purposes: allow only if every purpose is
 * granted, explicitly (the profile's latest statement) or by the purpose's default in the
 * jurisdiction. An explicit statement always wins over a default. A profile this service has never
 * seen is denied whatever the defaults say: no record, no send.
 */
final class DecisionRule {

    /** The outcome; each constant is its wire value ({@link ConsentDecisions#ALLOW}, {@link ConsentDecisions#DENY}). */
    enum Decision {
        allow, deny
    }

    /**
     * How one purpose was judged.
     *
     * @param statement the explicit statement relied on, or {@code null}
     * @param defaultJurisdiction the default's jurisdiction key ({@code "EU"}, {@code "*"}) when a
     *     configured default decided, else {@code null}
     */
    record PurposeBasis(PurposeStatus status, PurposeState statement, String defaultJurisdiction) {
    }

    record Outcome(Decision decision, Map<String, PurposeBasis> purposes) {
    }

    /**
     * @param profileKnown whether the profile was ever seen in this workspace
     * @param purposes the purposes the delivery needs (at least one)
     * @param statements the profile's current state per purpose (absent = no statement)
     * @param defaults each purpose's defaults ({@link PurposeDefaults#OPT_IN} when undeclared)
     * @param jurisdiction the jurisdiction the defaults apply in, or {@code null} for {@code "*"}
     */
    static Outcome decide(boolean profileKnown, List<String> purposes, Map<String, PurposeState> statements,
                          Map<String, PurposeDefaults> defaults, String jurisdiction) {
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("A decision needs at least one purpose");
        }
        Map<String, PurposeBasis> judged = new LinkedHashMap<>();
        boolean allGranted = true;
        for (String purpose : purposes) {
            PurposeBasis basis = judge(profileKnown, statements.get(purpose),
                    defaults.getOrDefault(purpose, PurposeDefaults.OPT_IN), jurisdiction);
            judged.put(purpose, basis);
            allGranted &= basis.status().grants();
        }
        return new Outcome(allGranted ? Decision.allow : Decision.deny, judged);
    }

    private static PurposeBasis judge(boolean profileKnown, PurposeState statement, PurposeDefaults defaults,
                                      String jurisdiction) {
        if (!profileKnown) {
            return new PurposeBasis(PurposeStatus.default_denied, null, null);
        }
        if (statement != null) {
            return new PurposeBasis(statement.granted() ? PurposeStatus.granted : PurposeStatus.denied, statement,
                    null);
        }
        PurposeDefaults.DefaultConsent byDefault = defaults.in(jurisdiction);
        return new PurposeBasis(byDefault.granted() ? PurposeStatus.default_granted : PurposeStatus.default_denied,
                null, byDefault.jurisdiction());
    }

    private DecisionRule() {
    }
}
