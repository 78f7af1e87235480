package org.opencdp.activation.connector;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.util.Set;
import java.util.regex.Pattern;
import org.opencdp.kit.problem.ValidationErrors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads a connector's configuration, collecting what is wrong by pointer ({@code /config/<name>}). */
final class ConfigFields {

    private static final int MAX_LENGTH = 2048;

    private final ObjectNode config;
    private final ValidationErrors errors = new ValidationErrors();

    ConfigFields(ObjectNode config, String type, Set<String> known) {
        this.config = config;
        for (String name : config.propertyNames()) {
            if (!known.contains(name)) {
                errors.add(pointerTo("config", name), "is not a " + type + " setting (expected "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** The string {@code name}, required, matching {@code pattern}; {@code null} (and an error) otherwise. */
    String required(String name, Pattern pattern, String rule) {
        JsonNode node = config.get(name);
        if (node == null || !node.isString() || node.stringValue().isBlank()) {
            errors.add(pointerTo("config", name), "is required: " + rule);
            return null;
        }
        return check(name, node.stringValue().strip(), pattern, rule);
    }

    /** The string {@code name} if given (else {@code null}), matching {@code pattern}. */
    String optional(String name, Pattern pattern, String rule) {
        JsonNode node = config.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.stringValue().isBlank()) {
            errors.add(pointerTo("config", name), "must be " + rule);
            return null;
        }
        return check(name, node.stringValue().strip(), pattern, rule);
    }

    private String check(String name, String value, Pattern pattern, String rule) {
        if (value.length() > MAX_LENGTH) {
            errors.add(pointerTo("config", name), "must be at most " + MAX_LENGTH + " characters");
            return null;
        }
        if (!pattern.matcher(value).matches()) {
            errors.add(pointerTo("config", name), "must be " + rule);
            return null;
        }
        return value;
    }

    /** Throws the {@code 400 invalid_destination_config} problem when anything was wrong. */
    void throwIfAny(String type) {
        errors.throwIfAny("invalid_destination_config",
                "The " + type + " configuration has " + errors.size() + " invalid field(s).");
    }
}
