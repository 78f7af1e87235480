package org.opencdp.conditions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Where a leaf looks: object member names one under the other, written with dots ({@code plan},
 * {@code address.city}). A dot or backslash inside a name is escaped with a backslash ({@code
 * utm\.source} is the one member {@code utm.source}; {@code a\\b} is {@code a\b}). Only objects are
 * walked: arrays are not indexed, and a path through a scalar, an array or null finds nothing.
 *
 * @param segments the member names, at least one, none empty
 */
public record Path(List<String> segments) {

    /** The most members a path may name. */
    public static final int MAX_SEGMENTS = 8;
    /** The longest a written path may be. */
    public static final int MAX_LENGTH = 255;

    public Path {
        segments = List.copyOf(segments);
        if (segments.isEmpty() || segments.size() > MAX_SEGMENTS || segments.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a path names 1 to " + MAX_SEGMENTS + " non-empty members");
        }
    }

    /** The path of one member, whatever characters its name holds. */
    public static Path of(String... segments) {
        return new Path(List.of(segments));
    }

    /**
     * Reads a written path, or explains why it is not one (blank, longer than {@value #MAX_LENGTH},
     * more than {@value #MAX_SEGMENTS} members, an empty member, a bad escape).
     */
    public static Path parse(String text) {
        return read(text).orElseThrow(() -> new IllegalArgumentException(describe(text)));
    }

    /** As {@link #parse}, empty when {@code text} is not a path. */
    public static Optional<Path> read(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 == text.length() || text.charAt(i + 1) != '.' && text.charAt(i + 1) != '\\') {
                    return Optional.empty();
                }
                current.append(text.charAt(++i));
            } else if (c == '.') {
                segments.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        segments.add(current.toString());
        if (segments.size() > MAX_SEGMENTS || segments.stream().anyMatch(s -> s.isEmpty() || s.isBlank())) {
            return Optional.empty();
        }
        return Optional.of(new Path(segments));
    }

    private static String describe(String text) {
        return "'" + text + "' is not a path: member names separated by dots (at most " + MAX_SEGMENTS
                + " members, " + MAX_LENGTH + " characters; write \\. for a dot and \\\\ for a backslash in a name).";
    }

    /** The first member: the trait or property the path starts at. */
    public String first() {
        return segments.getFirst();
    }

    /** The written form, which {@link #parse} reads back to an equal path. */
    public String dotted() {
        StringBuilder text = new StringBuilder();
        for (String segment : segments) {
            if (!text.isEmpty()) {
                text.append('.');
            }
            text.append(segment.replace("\\", "\\\\").replace(".", "\\."));
        }
        return text.toString();
    }

    /** The value at this path inside {@code root}; {@code null} when absent (a JSON null is returned as such). */
    public JsonNode at(JsonNode root) {
        JsonNode current = root;
        for (String segment : segments) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(segment);
        }
        return current;
    }

    /** The value at this path when the top-level members are looked up by {@code topLevel} (e.g. a map's get). */
    public JsonNode at(Function<String, JsonNode> topLevel) {
        JsonNode current = topLevel.apply(first());
        for (String segment : segments.subList(1, segments.size())) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(segment);
        }
        return current;
    }

    @Override
    public String toString() {
        return dotted();
    }
}
