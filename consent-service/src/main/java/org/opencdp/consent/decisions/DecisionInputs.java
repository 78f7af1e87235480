package org.opencdp.consent.decisions;

import java.util.Map;
import java.util.Set;
import org.opencdp.consent.ledger.PurposeState;
import org.opencdp.consent.purposes.PurposeDefaults;

/**
 * What a request's decisions rest on ({@link DecisionRepository#findInputs}).
 *
 * @param redirects each asked id that was merged away, to the survivor that holds its consent
 * @param known the profiles holding the asked ids' consent that this service has seen
 * @param states per known profile, its current state of the asked purposes (none: absent)
 * @param declared the defaults of the asked purposes the workspace declared (undeclared: absent)
 */
record DecisionInputs(Map<String, String> redirects, Set<String> known, Map<String, Map<String, PurposeState>> states,
                      Map<String, PurposeDefaults> declared) {
}
