package org.opencdp.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A message on a contract topic. Every message has a unique {@link #id()} that consumers use for
 * de-duplication, the {@link #workspaceId()} it belongs to, and the time it happened. The topic,
 * key, CloudEvents type and subject follow from the message itself, so a producer cannot put a
 * message on the wrong topic or under the wrong key.
 */
public sealed interface CdpMessage
        permits EventAccepted, IdentifierRulesChanged, EventRejected, EventResolved, ProfilesMerged, ProfileChanged,
        MembershipChanged, ConsentChanged, PrivacyCommandIssued, PrivacyCommandAcknowledged {

    UUID id();

    String workspaceId();

    Instant occurredAt();

    /** The topic this message belongs on. */
    String topic();

    /** The Kafka key: keeps one person's (or one request's) messages in order on one partition. */
    String key();

    /** The CloudEvents {@code ce_subject}: the profile, request or person the message is about. */
    String subject();

    /** The CloudEvents {@code ce_type}, e.g. {@code cdp.identity.event-resolved}. */
    default String type() {
        return MessageTypes.typeOf(getClass());
    }
}
