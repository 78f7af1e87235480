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
 *
 * <p>A call's events share their workspace, so {@link #of(String)} hashes the namespace and the
 * workspace once per call and each event's id only its {@code messageId}, on a copy of that state
 * (issue 10: a digest looked up and fed the whole name per event showed in the request threads'
 * profile). The ids are the same either way.
 */
final class EventIds {

    /** This platform's namespace for accepted events (fixed: changing it changes every id). */
    static final UUID NAMESPACE = UUID.fromString("6f1d3c2e-5b8a-4e0f-9a47-3c1b2d4e5f60");

    /** The ids of the events of one workspace. */
    static final class OfWorkspace {
        /** SHA-1 having read the namespace and the workspace; copied, never updated itself. */
        private final MessageDigest prefix;

        private OfWorkspace(MessageDigest prefix) {
            this.prefix = prefix;
        }

        /** The id of the event {@code messageId} of this workspace. */
        UUID of(String messageId) {
            MessageDigest sha1 = copy(prefix);
            byte[] hash = sha1.digest(messageId.getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // the RFC's variant
            ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
            return new UUID(bytes.getLong(), bytes.getLong());
        }
    }

    /** The ids of {@code workspaceId}'s events. */
    static OfWorkspace of(String workspaceId) {
        MessageDigest sha1 = sha1();
        byte[] workspace = workspaceId.getBytes(StandardCharsets.UTF_8);
        // the length first, so ("ab", "c") and ("a", "bc") cannot give the same name
        sha1.update(ByteBuffer.allocate(20).putLong(NAMESPACE.getMostSignificantBits())
                .putLong(NAMESPACE.getLeastSignificantBits()).putInt(workspace.length).array());
        sha1.update(workspace);
        return new OfWorkspace(sha1);
    }

    /** The id of the event {@code messageId} of {@code workspaceId}. */
    static UUID of(String workspaceId, String messageId) {
        return of(workspaceId).of(messageId);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-1 can be copied", e);
        }
    }

    private EventIds() {
    }
}
