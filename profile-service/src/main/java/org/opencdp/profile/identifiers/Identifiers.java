package org.opencdp.profile.identifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.JsonNode;

/**
 * The identifiers an event carries, normalised the way they are looked up: {@code user_id} and
 * {@code anonymous_id} exactly as sent (as identity-service keeps them), {@code email} from the
 * identify {@code traits} or {@code context.traits}, trimmed and lower-cased, and each
 * {@code context.externalIds} entry under its own (lower-cased) type. Pure: no I/O.
 */
public final class Identifiers {

    public static final String USER_ID = "user_id";
    public static final String ANONYMOUS_ID = "anonymous_id";
    public static final String EMAIL = "email";
    /** Longest identifier value kept (it is a B-tree key). */
    static final int MAX_VALUE_LENGTH = 255;
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** The identifiers of an event, sorted by type then value (the order rows are locked in). */
    public static List<Identifier> of(SegmentEvent event) {
        TreeSet<Identifier> found = new TreeSet<>(java.util.Comparator.comparing(Identifier::type)
                .thenComparing(Identifier::value));
        normalise(USER_ID, event.userId()).ifPresent(found::add);
        normalise(ANONYMOUS_ID, event.anonymousId()).ifPresent(found::add);
        if (event.type() == SegmentEvent.EventType.identify && event.traits() != null) {
            email(event.traits().get("email")).ifPresent(found::add);
        }
        JsonNode context = event.context();
        if (context != null) {
            email(context.path("traits").get("email")).ifPresent(found::add);
            for (JsonNode external : context.path("externalIds")) {
                if (external.path("type").isString() && external.path("id").isString()) {
                    normalise(external.path("type").asString(), external.path("id").asString()).ifPresent(found::add);
                }
            }
        }
        return new ArrayList<>(found);
    }

    /**
     * The stored form of an identifier, or empty when it cannot be one (blank, too long, or a type
     * that is not a lower-case word).
     */
    public static Optional<Identifier> normalise(String type, String value) {
        if (type == null || value == null) {
            return Optional.empty();
        }
        String normalType = type.trim().toLowerCase(Locale.ROOT);
        String normalValue = EMAIL.equals(normalType) ? value.trim().toLowerCase(Locale.ROOT) : value;
        if (!TYPE.matcher(normalType).matches() || normalValue.isBlank() || normalValue.length() > MAX_VALUE_LENGTH
                || normalValue.indexOf('\u0000') >= 0) {
            return Optional.empty();
        }
        return Optional.of(new Identifier(normalType, normalValue));
    }

    private static Optional<Identifier> email(JsonNode value) {
        return value != null && value.isString() ? normalise(EMAIL, value.asString()) : Optional.empty();
    }

    private Identifiers() {
    }
}
