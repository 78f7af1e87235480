package org.opencdp.ingestion.suppression;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * An identifier the Tracking API can recognise in an event, reduced to what is stored: the
 * SHA-256 of its workspace, type and normalised value (e-mail addresses are trimmed and
 * lower-cased; user and anonymous ids are kept exact, as Segment does). The identifier itself is
 * never stored or logged. The first 8 bytes of the hash are the key the in-memory index holds.
 */
record SuppressedIdentifier(String workspaceId, String type, String hash) {

    static final String USER_ID = "user_id";
    static final String ANONYMOUS_ID = "anonymous_id";
    static final String EMAIL = "email";

    /** The identifier, or empty when the type is one the Tracking API cannot see in an event. */
    static Optional<SuppressedIdentifier> of(String workspaceId, String type, String value) {
        if (value == null || value.isBlank() || !(USER_ID.equals(type) || ANONYMOUS_ID.equals(type)
                || EMAIL.equals(type))) {
            return Optional.empty();
        }
        return Optional.of(new SuppressedIdentifier(workspaceId, type, hash(workspaceId, type, value)));
    }

    /** The index key: the first 8 bytes of the hash. */
    long key() {
        return key(hash);
    }

    static long key(String hash) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hash, 0, 16)).getLong();
    }

    /** The index key of an identifier seen in an event, computed without building the hex form. */
    static long key(String workspaceId, String type, String value) {
        return ByteBuffer.wrap(digest(workspaceId, type, value)).getLong();
    }

    static String hash(String workspaceId, String type, String value) {
        return HexFormat.of().formatHex(digest(workspaceId, type, value));
    }

    private static byte[] digest(String workspaceId, String type, String value) {
        String normalised = EMAIL.equals(type) ? value.strip().toLowerCase(Locale.ROOT) : value;
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((workspaceId + '\u0000' + type + '\u0000').getBytes(StandardCharsets.UTF_8));
            return sha256.digest(normalised.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
