package org.opencdp.identity.api;

/** {@code GET /v1/identities/{type}/{value}}: the profile an identifier belongs to. */
record IdentityResponse(String type, String value, String profileId) {
}
