package org.opencdp.ingestion.tracking;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The NUL character (U+0000), which PostgreSQL stores neither in {@code text} nor in {@code jsonb}:
 * an event carrying one in any name or string would fail in every service that stores it, again
 * on every redelivery. Ingestion refuses such events instead. JSON can carry the character only
 * escaped ({@code \u0000}; a raw control character is invalid JSON), so a body without that escape
 * is cleared without looking at its events.
 */
public final class NulCharacters {

    private static final byte[] ESCAPE = {'\\', 'u', '0', '0', '0', '0'};

    /** Whether {@code body} contains the escape {@code \u0000} (or text that reads like it, e.g. {@code \\u0000}). */
    static boolean mayOccurIn(byte[] body) {
        outer:
        for (int i = 0; i <= body.length - ESCAPE.length; i++) {
            for (int j = 0; j < ESCAPE.length; j++) {
                if (body[i + j] != ESCAPE[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The JSON pointer of the first name or string in {@code node} that contains U+0000, else null. */
    public static String pathOf(JsonNode node) {
        return pathOf(node, "");
    }

    /** {@link #pathOf(JsonNode)} for the properties of {@code object} other than {@code skipped}. */
    static String pathOutside(ObjectNode object, String skipped) {
        return inProperties(object, "", skipped);
    }

    private static String pathOf(JsonNode node, String path) {
        if (node.isString()) {
            return node.asString().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = pathOf(node.get(i), path + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            return inProperties(node, path, null);
        }
        return null;
    }

    private static String inProperties(JsonNode object, String path, String skipped) {
        for (Map.Entry<String, JsonNode> property : object.properties()) {
            String name = property.getKey();
            if (name.equals(skipped)) {
                continue;
            }
            String here = path + "/" + name.replace("~", "~0").replace("/", "~1");
            if (name.indexOf('\0') >= 0) {
                return here.replace("\0", "\\u0000");
            }
            String found = pathOf(property.getValue(), here);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private NulCharacters() {
    }
}
