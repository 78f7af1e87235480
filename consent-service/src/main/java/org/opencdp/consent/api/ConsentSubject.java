package org.opencdp.consent.api;

/** Whom a consent statement is about: a profile by id, or the profile an identifier belongs to. */
sealed interface ConsentSubject {

    record ByProfile(String profileId) implements ConsentSubject {
    }

    record ByIdentifier(String type, String value) implements ConsentSubject {
    }
}
