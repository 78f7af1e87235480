package org.opencdp.fuzz;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;

/**
 * What a fuzz test may see and nothing else: a refusal in the documented shape (a 4xx {@link
 * CdpException} with one of the target's codes, its {@code errors} each a JSON pointer and a message,
 * docs/errors.md), or an accepted value that every later stage can store. Plain checks rather than
 * AssertJ: they run on every one of the fuzzer's executions. A failed check throws {@link
 * AssertionError}, which Jazzer reports as a finding with the input.
 */
public final class Outcomes {

    /** A refusal the caller gets as a 4xx problem: the kind and code are documented, every error points somewhere. */
    public static void assertDocumentedRefusal(CdpException refusal, Set<String> codes, String pointerPrefix) {
        expect(refusal.kind() != ErrorKind.UNAVAILABLE && refusal.kind().status() < 500,
                () -> "a refusal must be a 4xx problem, not " + refusal.kind(), refusal);
        expect(codes.contains(refusal.code()),
                () -> "undocumented problem code '" + refusal.code() + "', expected one of " + codes, refusal);
        expect(refusal.getMessage() != null && !refusal.getMessage().isBlank(), () -> "a problem needs a detail", refusal);
        Object errors = refusal.properties().get("errors");
        if (errors != null) {
            expect(errors instanceof Collection<?> list && !list.isEmpty(),
                    () -> "'errors' must be a non-empty list, not " + errors, refusal);
            for (Object error : (Collection<?>) errors) {
                String pointer = pointerOf(error);
                expect(pointer != null, () -> "an error without a pointer: " + error, refusal);
                assertPointer(pointer, pointerPrefix);
            }
        }
    }

    /** An RFC 6901 JSON pointer ({@code ""} or {@code /}-separated tokens, {@code ~} only as {@code ~0} or {@code ~1}) under {@code prefix}. */
    public static void assertPointer(String pointer, String prefix) {
        expect(pointer.isEmpty() || pointer.charAt(0) == '/', () -> "not a JSON pointer: '" + pointer + "'", null);
        for (int i = 0; i < pointer.length(); i++) {
            if (pointer.charAt(i) == '~') {
                int at = i;
                expect(i + 1 < pointer.length() && (pointer.charAt(i + 1) == '0' || pointer.charAt(i + 1) == '1'),
                        () -> "a '~' not escaped in the pointer '" + pointer + "' at " + at, null);
            }
        }
        expect(pointer.startsWith(prefix) || prefix.startsWith(pointer),
                () -> "the pointer '" + pointer + "' does not lie under '" + prefix + "'", null);
    }

    /**
     * Whether PostgreSQL can store {@code node} as {@code jsonb} or its strings as {@code text}: no
     * U+0000 in any name or string, the one character both refuse. An accepted value that breaks this
     * fails at the INSERT (a 5xx) or in every consumer that stores it, again on every redelivery.
     */
    public static void assertStorable(JsonNode node, String what) {
        String path = nulPath(node);
        expect(path == null, () -> what + " holds U+0000 at '" + path + "', which PostgreSQL cannot store", null);
    }

    /** {@link #assertStorable(JsonNode, String)} for plain strings (text columns, bind parameters). */
    public static void assertStorable(String text, String what) {
        expect(text == null || text.indexOf('\0') < 0,
                () -> what + " holds U+0000, which PostgreSQL cannot store as text", null);
    }

    public static void expect(boolean condition, java.util.function.Supplier<String> message, Throwable cause) {
        if (!condition) {
            throw new AssertionError(message.get(), cause);
        }
    }

    private static String pointerOf(Object error) {
        return switch (error) {
            case InvalidField field -> field.pointer();
            case Map<?, ?> map -> map.get("pointer") instanceof String pointer ? pointer : null;
            default -> null;
        };
    }

    /** The pointer to the first name or string in {@code node} holding U+0000, or null. */
    public static String nulPath(JsonNode node) {
        return nulPath(node, "");
    }

    private static String nulPath(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (node.isString()) {
            return node.stringValue().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulPath(node.get(i), path + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String here = path + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
                if (member.getKey().indexOf('\0') >= 0) {
                    return here.replace("\0", "\\u0000");
                }
                String found = nulPath(member.getValue(), here);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private Outcomes() {
    }
}
