package org.opencdp.contracts;

import java.util.Map;
import java.util.Optional;

/** The stable CloudEvents type name of each message record. Type names are not Java class names. */
public final class MessageTypes {

    private static final Map<Class<? extends CdpMessage>, String> TYPES = Map.of(
            EventAccepted.class, "cdp.ingestion.event-accepted",
            EventRejected.class, "cdp.ingestion.event-rejected",
            EventResolved.class, "cdp.identity.event-resolved",
            ProfilesMerged.class, "cdp.identity.profiles-merged",
            IdentifierRulesChanged.class, "cdp.identity.identifier-rules-changed",
            ProfileChanged.class, "cdp.profile.profile-changed",
            MembershipChanged.class, "cdp.segmentation.membership-changed",
            ConsentChanged.class, "cdp.consent.consent-changed",
            PrivacyCommandIssued.class, "cdp.privacy.command-issued",
            PrivacyCommandAcknowledged.class, "cdp.privacy.command-acknowledged");

    private static final Map<String, Class<? extends CdpMessage>> CLASSES = invert();

    public static String typeOf(Class<? extends CdpMessage> messageClass) {
        String type = TYPES.get(messageClass);
        if (type == null) {
            throw new IllegalArgumentException("No message type registered for " + messageClass.getName());
        }
        return type;
    }

    public static Optional<Class<? extends CdpMessage>> classOf(String type) {
        return Optional.ofNullable(CLASSES.get(type));
    }

    private static Map<String, Class<? extends CdpMessage>> invert() {
        var inverted = new java.util.HashMap<String, Class<? extends CdpMessage>>();
        TYPES.forEach((type, name) -> inverted.put(name, type));
        return Map.copyOf(inverted);
    }

    private MessageTypes() {
    }
}
