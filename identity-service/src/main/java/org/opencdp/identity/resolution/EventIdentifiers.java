package org.opencdp.identity.resolution;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.EventIdentifierFields;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.rules.CustomIdentifier;
import org.opencdp.identity.rules.WorkspaceRules;
import org.opencdp.kit.kafka.PermanentMessageException;
import tools.jackson.databind.JsonNode;

/**
 * The identifiers an event carries, normalised, without blocked or invalid values, in the order
 * found: the fields every service reads ({@link EventIdentifierFields}) and then the workspace's
 * custom identifiers.
 */
final class EventIdentifiers {

    static List<PersonIdentifier> of(EventAccepted message, WorkspaceRules rules, int maxLength) {
        SegmentEvent event = message.event();
        Set<PersonIdentifier> found = new LinkedHashSet<>();
        for (EventIdentifierFields.Written written : EventIdentifierFields.of(event)) {
            if (written.field().equals("userId") || written.field().equals("anonymousId")) {
                refuseTooLong(message, written, maxLength);
            }
            add(found, rules, written.type(), written.value(), maxLength);
        }
        for (CustomIdentifier custom : rules.customIdentifiers()) {
            for (String path : custom.paths()) {
                String value = EventIdentifierFields.text(at(event, path));
                if (value != null) {
                    add(found, rules, custom.type(), value, maxLength);
                    break;
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** {@code userId} and {@code anonymousId}: a value too long to index can never resolve, so the event is refused. */
    private static void refuseTooLong(EventAccepted message, EventIdentifierFields.Written written, int maxLength) {
        int length = written.value().trim().length();
        if (length > maxLength) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has a " + written.field() + " of "
                    + length + " characters; at most " + maxLength + " are accepted");
        }
    }

    private static void add(Set<PersonIdentifier> found, WorkspaceRules rules, String type, String raw,
                            int maxLength) {
        rules.normalise(type, raw, maxLength).ifPresent(value -> found.add(new PersonIdentifier(type, value)));
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
