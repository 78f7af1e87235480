package org.opencdp.contracts;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Where an event carries identifiers of its person, the one list every service reads: {@code
 * userId}, {@code anonymousId}, {@code traits.email} / {@code context.traits.email}, {@code
 * traits.phone} / {@code context.traits.phone} ({@code traits} only of an identify call: a group
 * call's traits are the group's), {@code context.device.id} and {@code
 * advertisingId}, and {@code context.externalIds[]} (collection {@code users} or none, under their
 * own type, trimmed and lower-cased). Values are as written (a string or a number); the reader
 * normalises them ({@link IdentifierValues#normalise}). A workspace's custom identifiers are
 * identity-service's own addition.
 */
public final class EventIdentifierFields {

    /** One identifier as the event wrote it, and the field it came from ({@code userId}, {@code traits.email}, …). */
    public record Written(String field, String type, String value) {
    }

    /** The identifiers {@code event} carries, in the order above; fields without a value are left out. */
    public static List<Written> of(SegmentEvent event) {
        List<Written> found = new ArrayList<>();
        JsonNode traits = event.type() == SegmentEvent.EventType.identify ? node(event.traits()) : MissingNode.getInstance();
        JsonNode context = node(event.context());
        JsonNode contextTraits = context.path("traits");
        add(found, "userId", IdentifierTypes.USER_ID, event.userId());
        add(found, "anonymousId", IdentifierTypes.ANONYMOUS_ID, event.anonymousId());
        add(found, "traits.email", IdentifierTypes.EMAIL, text(traits.path("email")));
        add(found, "context.traits.email", IdentifierTypes.EMAIL, text(contextTraits.path("email")));
        add(found, "traits.phone", IdentifierTypes.PHONE, text(traits.path("phone")));
        add(found, "context.traits.phone", IdentifierTypes.PHONE, text(contextTraits.path("phone")));
        add(found, "context.device.id", IdentifierTypes.DEVICE_ID, text(context.path("device").path("id")));
        add(found, "context.device.advertisingId", IdentifierTypes.ADVERTISING_ID,
                text(context.path("device").path("advertisingId")));
        for (JsonNode external : context.path("externalIds")) {
            String collection = text(external.path("collection"));
            if (collection == null || collection.trim().equalsIgnoreCase("users")) {
                String id = text(external.path("id"));
                IdentifierTypes.normalise(text(external.path("type")))
                        .ifPresent(type -> add(found, "context.externalIds", type, id));
            }
        }
        return found;
    }

    /** The text of a string or number node; {@code null} for anything else. */
    public static String text(JsonNode node) {
        if (node == null || !(node.isString() || node.isNumber())) {
            return null;
        }
        return node.asString();
    }

    private static void add(List<Written> found, String field, String type, String value) {
        if (value != null) {
            found.add(new Written(field, type, value));
        }
    }

    private static JsonNode node(JsonNode node) {
        return node == null ? MissingNode.getInstance() : node;
    }

    private EventIdentifierFields() {
    }
}
