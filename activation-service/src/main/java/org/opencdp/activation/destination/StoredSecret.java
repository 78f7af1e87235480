package org.opencdp.activation.destination;

/** A destination's stored credentials as the database holds them: encrypted, never decrypted here. */
record StoredSecret(DestinationRef ref, byte[] ciphertext) {
}
