package org.opencdp.ingestion.suppression;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.WorkspaceIdentifierRules;

/**
 * An identifier the Tracking API can recognise in an event, reduced to what is stored: the
 * SHA-256 of its workspace, type and value in the workspace's normal form ({@link
 * WorkspaceIdentifierRules#identifier}, as identity reads it: trimmed, e-mails lower-cased, phone
 * numbers in E.164, a national number read in the workspace's phone region, blocked values none).
 * The identifier itself is never stored or logged. The first 8 bytes of the hash are the key the
 * in-memory index holds.
 */
record SuppressedIdentifier(String workspaceId, String type, String hash) {

    /**
     * The identifier under the workspace's {@code rules}, or empty when {@code type}/{@code value} is
     * no identifier there (blank, invalid for its type, a national phone number without a region,
     * blocked).
     */
    static Optional<SuppressedIdentifier> of(WorkspaceIdentifierRules rules, String workspaceId, String type,
                                             String value) {
        return normalise(rules, type, value).map(identifier -> new SuppressedIdentifier(workspaceId,
                identifier.type(), HexFormat.of().formatHex(digest(workspaceId, identifier))));
    }

    /** The normal form suppressions are stored and looked up in: the workspace's, as identity's. */
    static Optional<Identifier> normalise(WorkspaceIdentifierRules rules, String type, String value) {
        return value == null ? Optional.empty() : rules.identifier(type, value, Identifier.MAX_VALUE_LENGTH);
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
