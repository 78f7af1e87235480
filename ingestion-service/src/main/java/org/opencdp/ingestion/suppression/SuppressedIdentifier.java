package org.opencdp.ingestion.suppression;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.opencdp.contracts.Identifier;

/**
 * An identifier the Tracking API can recognise in an event, reduced to what is stored: the
 * SHA-256 of its workspace, type and value in the shared normal form ({@link Identifier#normalised}:
 * trimmed, e-mails lower-cased, phone numbers in E.164). The identifier itself is never stored or
 * logged. The first 8 bytes of the hash are the key the in-memory index holds.
 */
record SuppressedIdentifier(String workspaceId, String type, String hash) {

    /** The identifier, or empty when {@code type}/{@code value} is no identifier (blank, invalid for its type). */
    static Optional<SuppressedIdentifier> of(String workspaceId, String type, String value) {
        return normalise(type, value).map(identifier -> new SuppressedIdentifier(workspaceId, identifier.type(),
                HexFormat.of().formatHex(digest(workspaceId, identifier))));
    }

    /** The normal form suppressions are stored and looked up in. */
    static Optional<Identifier> normalise(String type, String value) {
        return Identifier.normalised(type, value, Identifier.MAX_VALUE_LENGTH);
    }

    /** The index key: the first 8 bytes of the hash. */
    long key() {
        return key(hash);
    }

    static long key(String hash) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hash, 0, 16)).getLong();
    }

    /** The index key of a normalised identifier seen in an event, computed without building the hex form. */
    static long key(String workspaceId, Identifier normalised) {
        return ByteBuffer.wrap(digest(workspaceId, normalised)).getLong();
    }

    private static byte[] digest(String workspaceId, Identifier normalised) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((workspaceId + '\u0000' + normalised.type() + '\u0000').getBytes(StandardCharsets.UTF_8));
            return sha256.digest(normalised.value().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
