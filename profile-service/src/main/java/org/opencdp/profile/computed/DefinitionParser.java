package org.opencdp.profile.computed;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.opencdp.conditions.InvalidConditionException;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.LeafParser;
import org.opencdp.conditions.Path;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ValidationErrors;
import org.opencdp.profile.computed.ComputedTraitDefinition.Status;
import tools.jackson.databind.JsonNode;

/**
 * Reads a {@code POST /v1/computed-traits} body into a definition, or refuses it with 400
 * {@code invalid_computed_trait}, listing the first offending member as every validation problem
 * does: {@code errors: [{pointer, message}]}. U+0000 in any text (and, by the shared {@link LeafParser},
 * in a {@code where} path or value, as is a non-finite number) is refused, as PostgreSQL cannot store it.
 * Pure: no I/O.
 */
final class DefinitionParser {

    static final String INVALID = "invalid_computed_trait";
    static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");
    /**
     * Keys of hidden traits (segmentation's, issue 11) start with {@code _}, which no visible trait's may,
     * so a user's trait can never take the key of a hidden one (or the other way round).
     */
    static final Pattern HIDDEN_KEY = Pattern.compile("_[A-Za-z0-9_]{1,99}");
    static final int MAX_NAME = 200;
    static final int MAX_EVENT = 255;
    static final int MAX_CONDITIONS = 20;
    /** {@code where} entries: leaves of the shared condition language, path under {@code property}. */
    static final LeafParser WHERE = new LeafParser("property");

    static ComputedTraitDefinition parse(String workspaceId, JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw invalid("", "The body must be a JSON object.");
        }
        JsonNode hidden = body.get("hidden");
        if (hidden != null && !hidden.isNull() && !hidden.isBoolean()) {
            throw invalid("/hidden", "hidden must be true or false.");
        }
        boolean isHidden = hidden != null && hidden.asBoolean(false);
        String key = text(body, "key", true);
        if (isHidden ? !HIDDEN_KEY.matcher(key).matches() : !KEY.matcher(key).matches()) {
            throw invalid("/key", isHidden
                    ? "A hidden trait's key must start with '_' and hold only letters, digits and '_' (at most 100)."
                    : "key must start with a letter and hold only letters, digits and '_' (at most 100).");
        }
        String name = text(body, "name", false);
        if (name != null && name.length() > MAX_NAME) {
            throw invalid("/name", "name must be at most " + MAX_NAME + " characters.");
        }
        String aggregationName = text(body, "aggregation", true);
        Aggregation aggregation = Aggregation.parse(aggregationName).orElseThrow(() -> invalid("/aggregation",
                "Unknown aggregation '" + aggregationName + "'; one of " + Aggregation.names() + ".")
                .with("allowed", Aggregation.names()));
        String event = text(body, "event", true);
        if (event.isBlank() || event.length() > MAX_EVENT) {
            throw invalid("/event", "event must be a track event name of 1 to " + MAX_EVENT + " characters.");
        }
        String property = text(body, "property", false);
        List<String> path = List.of();
        if (aggregation.needsProperty()) {
            if (property == null) {
                throw invalid("/property", aggregation.name() + " needs the property it aggregates.");
            }
            path = Path.read(property).map(Path::segments).orElseThrow(() -> invalid("/property", badPath(property)));
        } else if (property != null) {
            throw invalid("/property", "count takes no property; filter with where (e.g. op exists) instead.");
        }
        List<Leaf> where = conditions(body.get("where"));
        String within = text(body, "within", false);
        Duration window = null;
        if (within != null) {
            try {
                window = Windows.parse(within);
            } catch (Windows.InvalidWindowException e) {
                throw invalid("/within", e.getMessage());
            }
        }
        Between between = between(body.get("between"));
        if (between != null && within != null) {
            throw invalid("/between", "Give within or between, not both.");
        }
        return new ComputedTraitDefinition(workspaceId, key, name == null || name.isBlank() ? key : name, aggregation,
                event, property, path, where, within, window, between, isHidden,
                Status.backfilling, null, 0, 0, now, now);
    }

    /** {@code between: [lower, upper]}: two ISO-8601 instants, lower before upper; the range is [lower, upper). */
    private static Between between(JsonNode between) {
        if (between == null || between.isNull()) {
            return null;
        }
        if (!between.isArray() || between.size() != 2) {
            throw invalid("/between", "between must be an array of two ISO-8601 instants [lower, upper].");
        }
        Instant[] bounds = new Instant[2];
        for (int i = 0; i < 2; i++) {
            JsonNode bound = between.get(i);
            try {
                bounds[i] = Instant.parse(bound.isString() ? bound.asString() : "");
            } catch (DateTimeParseException e) {
                throw invalid("/between/" + i, "between/" + i + " must be an ISO-8601 instant such as "
                        + "2026-11-01T00:00:00Z.");
            }
        }
        if (!bounds[0].isBefore(bounds[1])) {
            throw invalid("/between/1", "The upper bound must be after the lower bound.");
        }
        return new Between(bounds[0], bounds[1]);
    }

    private static List<Leaf> conditions(JsonNode where) {
        if (where == null || where.isNull()) {
            return List.of();
        }
        if (!where.isArray()) {
            throw invalid("/where", "where must be an array of conditions.");
        }
        if (where.size() > MAX_CONDITIONS) {
            throw invalid("/where", "where takes at most " + MAX_CONDITIONS + " conditions.");
        }
        List<Leaf> conditions = new ArrayList<>();
        for (int i = 0; i < where.size(); i++) {
            conditions.add(condition(where.get(i), "/where/" + i));
        }
        return conditions;
    }

    private static Leaf condition(JsonNode json, String at) {
        try {
            return WHERE.parse(json, at);
        } catch (InvalidConditionException e) {
            ValidationErrors errors = new ValidationErrors();
            e.errors().forEach(error -> errors.add(error.pointer(), error.message()));
            throw errors.problem(INVALID, e.getMessage());
        }
    }

    private static String text(JsonNode body, String field, boolean required) {
        return text(body, field, required, "");
    }

    private static String text(JsonNode body, String field, boolean required, String at) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid(at + "/" + field, field + " is required.");
            }
            return null;
        }
        if (!value.isString()) {
            throw invalid(at + "/" + field, field + " must be a string.");
        }
        if (value.asString().indexOf('\0') >= 0) {
            // PostgreSQL's text refuses U+0000: the INSERT would fail with a 500.
            throw invalid(at + "/" + field, field + " may not hold the character U+0000.");
        }
        return value.asString();
    }

    private static void require(boolean condition, String path, String detail) {
        if (!condition) {
            throw invalid(path, detail);
        }
    }

    private static String badPath(String property) {
        return "'" + property + "' is not a property path (names separated by dots, at most "
                + Path.MAX_SEGMENTS + "; \\. for a dot in a name).";
    }

    static CdpException invalid(String path, String detail) {
        return new ValidationErrors().add(path, detail).problem(INVALID, detail);
    }

    private DefinitionParser() {
    }
}
