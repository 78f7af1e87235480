package org.opencdp.identity.resolution;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.identity.graph.IdentifierTypes;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.rules.CustomIdentifier;
import org.opencdp.identity.rules.WorkspaceRules;
import org.opencdp.kit.kafka.PermanentMessageException;
import tools.jackson.databind.JsonNode;

/**
 * The identifiers an event carries, normalised, without blocked or invalid values, in the order
 * found: {@code userId}, {@code anonymousId}, {@code traits.email} / {@code context.traits.email},
 * {@code traits.phone} / {@code context.traits.phone}, {@code context.device.id} and {@code
 * advertisingId}, {@code context.externalIds[]} (collection {@code users} or none; the type
 * lower-cased) and the workspace's custom identifiers.
 */
final class EventIdentifiers {

    static List<PersonIdentifier> of(EventAccepted message, WorkspaceRules rules, int maxLength) {
        SegmentEvent event = message.event();
        Set<PersonIdentifier> found = new LinkedHashSet<>();
        key(found, message, rules, IdentifierTypes.USER_ID, "userId", event.userId(), maxLength);
        key(found, message, rules, IdentifierTypes.ANONYMOUS_ID, "anonymousId", event.anonymousId(), maxLength);
        JsonNode traits = node(event.traits());
        JsonNode context = node(event.context());
        JsonNode contextTraits = context.path("traits");
        add(found, rules, IdentifierTypes.EMAIL, traits.path("email"), maxLength);
        add(found, rules, IdentifierTypes.EMAIL, contextTraits.path("email"), maxLength);
        add(found, rules, IdentifierTypes.PHONE, traits.path("phone"), maxLength);
        add(found, rules, IdentifierTypes.PHONE, contextTraits.path("phone"), maxLength);
        add(found, rules, IdentifierTypes.DEVICE_ID, context.path("device").path("id"), maxLength);
        add(found, rules, IdentifierTypes.ADVERTISING_ID, context.path("device").path("advertisingId"), maxLength);
        for (JsonNode external : context.path("externalIds")) {
            String collection = text(external.path("collection"));
            String type = text(external.path("type"));
            if ((collection == null || collection.trim().equalsIgnoreCase("users")) && type != null) {
                String normalisedType = type.trim().toLowerCase(Locale.ROOT);
                if (IdentifierTypes.isWellFormed(normalisedType)) {
                    add(found, rules, normalisedType, external.path("id"), maxLength);
                }
            }
        }
        for (CustomIdentifier custom : rules.customIdentifiers()) {
            for (String path : custom.paths()) {
                String value = text(at(event, path));
                if (value != null) {
                    add(found, rules, custom.type(), value, maxLength);
                    break;
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** {@code userId} and {@code anonymousId}: a value too long to index can never resolve, so the event is refused. */
    private static void key(Set<PersonIdentifier> found, EventAccepted message, WorkspaceRules rules, String type,
                            String field, String value, int maxLength) {
        if (value != null && value.trim().length() > maxLength) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has a " + field + " of "
                    + value.trim().length() + " characters; at most " + maxLength + " are accepted");
        }
        add(found, rules, type, value, maxLength);
    }

    private static void add(Set<PersonIdentifier> found, WorkspaceRules rules, String type, JsonNode node,
                            int maxLength) {
        add(found, rules, type, text(node), maxLength);
    }

    private static void add(Set<PersonIdentifier> found, WorkspaceRules rules, String type, String raw,
                            int maxLength) {
        rules.normalise(type, raw, maxLength).ifPresent(value -> found.add(new PersonIdentifier(type, value)));
    }

    /** A string or number as text; anything else (objects, booleans, null, missing) is no value. */
    private static String text(JsonNode node) {
        if (node == null || !(node.isString() || node.isNumber())) {
            return null;
        }
        return node.asString();
    }

    /** The node at a dotted path ({@code traits.crm_id}, {@code context.traits.crm_id}, {@code properties.x}). */
    private static JsonNode at(SegmentEvent event, String path) {
        String[] keys = path.split("\\.");
        JsonNode node = switch (keys[0]) {
            case "traits" -> node(event.traits());
            case "context" -> node(event.context());
            case "properties" -> node(event.properties());
            default -> tools.jackson.databind.node.MissingNode.getInstance();
        };
        for (int i = 1; i < keys.length; i++) {
            node = node.path(keys[i]);
        }
        return node;
    }

    private static JsonNode node(JsonNode node) {
        return node == null ? tools.jackson.databind.node.MissingNode.getInstance() : node;
    }

    private EventIdentifiers() {
    }
}
