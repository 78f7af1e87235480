package org.opencdp.fuzz;

/** What a target made of one input, for the tests that check a fuzz test is not vacuous. */
public enum Outcome {
    /** Refused in the documented way. */
    REFUSED,
    /** Accepted, and every check of the accepted value passed. */
    ACCEPTED
}
