package org.opencdp.ingestion.tracking;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The id of an accepted event: a name-based UUID, version 5 (RFC 9562: SHA-1 over a namespace and a
 * name), of the workspace and the event's {@code messageId}. The same event sent again (an SDK
 * retrying a batch after a 503) gets the same id, so every stage that de-duplicates by message id
 * sees it once; the same {@code messageId} in two workspaces gives two ids. An event sent without a
 * {@code messageId} is given a random one, so its id is random too.
 */
final class EventIds {

    /** This platform's namespace for accepted events (fixed: changing it changes every id). */
    static final UUID NAMESPACE = UUID.fromString("6f1d3c2e-5b8a-4e0f-9a47-3c1b2d4e5f60");

    /** The id of the event {@code messageId} of {@code workspaceId}. */
    static UUID of(String workspaceId, String messageId) {
        MessageDigest sha1 = sha1();
        sha1.update(ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits())
                .putLong(NAMESPACE.getLeastSignificantBits()).array());
        // the length first, so ("ab", "c") and ("a", "bc") cannot give the same name
        byte[] workspace = workspaceId.getBytes(StandardCharsets.UTF_8);
        sha1.update(ByteBuffer.allocate(4).putInt(workspace.length).array());
        sha1.update(workspace);
        sha1.update(messageId.getBytes(StandardCharsets.UTF_8));
        byte[] hash = sha1.digest();
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // the RFC's variant
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    private EventIds() {
    }
}
