package org.opencdp.kit.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing wrong with a request, the one shape every validation problem lists under {@code
 * errors}: where, as a JSON pointer (RFC 6901) into the request body ({@code /purposes/0}, {@code
 * /config/url}; {@code ""} for the whole body), and what is wrong. See {@code docs/errors.md}.
 */
public record InvalidField(String pointer, String message) {

    private static final Pattern PROPERTY_STEP = Pattern.compile("([^.\\[\\]]+)|\\[([^\\]]*)\\]");

    public InvalidField {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }

    /** The pointer to {@code tokens} one under the other ({@code pointerTo("purposes", 0)} is {@code /purposes/0}). */
    public static String pointerTo(Object... tokens) {
        StringBuilder pointer = new StringBuilder();
        for (Object token : tokens) {
            pointer.append('/').append(String.valueOf(token).replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /**
     * The pointer to a Bean Validation property path ({@code identifier.type}, {@code
     * profileIds[3]}, {@code purposes[email]}): each property and each index or key one token.
     */
    public static String pointerOfPropertyPath(String propertyPath) {
        if (propertyPath == null || propertyPath.isEmpty()) {
            return "";
        }
        Matcher step = PROPERTY_STEP.matcher(propertyPath);
        List<Object> tokens = new ArrayList<>();
        while (step.find()) {
            tokens.add(step.group(1) != null ? step.group(1) : step.group(2));
        }
        return pointerTo(tokens.toArray());
    }
}
