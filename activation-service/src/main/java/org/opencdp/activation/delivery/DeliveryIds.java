package org.opencdp.activation.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Delivery ids derived from what a delivery carries, so that the same thing reaching a destination
 * twice is the same row ({@code ON CONFLICT DO NOTHING}) however it came back:
 *
 * <ul>
 *   <li>an event: the workspace, the destination and the event's Segment {@code messageId}. An SDK
 *       retry of an event is resolved again and arrives under a new Kafka message id, but with the
 *       same {@code messageId}: it is de-duplicated per workspace, as the Tracking API promises;</li>
 *   <li>a segment entry or exit: the workspace, the destination and the membership message's id
 *       (segmentation publishes each change once, through its outbox; a relay re-publishing it keeps
 *       the id).</li>
 * </ul>
 *
 * The ids are name-based UUIDs, version 5 (RFC 9562: SHA-1 of a namespace and the name). Receivers
 * see the id as {@code X-CDP-Delivery-Id}, so they can de-duplicate on it too.
 */
final class DeliveryIds {

    /** The namespace of every activation delivery id (a fixed random UUID). */
    private static final UUID NAMESPACE = UUID.fromString("3f1c2b7e-5a0d-4c8e-9b6a-2d71e4f0a9c3");

    /** The delivery of the event {@code messageId} of {@code workspaceId} to {@code destinationId}. */
    static UUID ofEvent(String workspaceId, UUID destinationId, String messageId) {
        return nameBased("event", workspaceId, destinationId, messageId);
    }

    /** The delivery of the membership change {@code messageId} to {@code destinationId}. */
    static UUID ofMembershipChange(String workspaceId, UUID destinationId, UUID messageId) {
        return nameBased("membership", workspaceId, destinationId, messageId.toString());
    }

    /** The sync of merge {@code mergeId}'s survivor {@code survivorId} at {@code destinationId} (issue 13). */
    static UUID ofMerge(String workspaceId, UUID destinationId, UUID mergeId, String survivorId) {
        return nameBased("merge", workspaceId, destinationId, mergeId + ":" + survivorId);
    }

    /** The sync of {@code destinationId} that consent change {@code messageId} asks for (issue 12). */
    static UUID ofConsentChange(String workspaceId, UUID destinationId, UUID messageId, String profileId) {
        return nameBased("consent", workspaceId, destinationId, messageId + ":" + profileId);
    }

    /** The removal of {@code profileId} at {@code destinationId} that erase request {@code requestId} queued (issue 12). */
    static UUID ofErasure(String workspaceId, UUID destinationId, UUID requestId, String profileId) {
        return nameBased("erasure", workspaceId, destinationId, requestId + ":" + profileId);
    }

    private static UUID nameBased(String kind, String workspaceId, UUID destinationId, String key) {
        // lengths first, so that no two different (workspace, key) pairs spell the same name
        String name = kind + ":" + workspaceId.length() + ":" + workspaceId + ":" + destinationId + ":" + key;
        return v5(NAMESPACE, name);
    }

    /** RFC 9562 section 5.5: SHA-1 of the namespace's 16 bytes and the name's UTF-8 bytes, version and variant set. */
    static UUID v5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
        sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits()).array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    private DeliveryIds() {
    }
}
