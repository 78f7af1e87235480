package org.opencdp.segmentation.condition;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.LeafParser;
import org.opencdp.conditions.Operator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.LongNode;

/**
 * Reads an {@code event} node ({@link EventCondition}) or refuses it with the JSON pointer of the
 * offending member. The limits are profile-service's for the hidden computed trait the node becomes
 * (event name of 1–255 characters without U+0000, at most 20 {@code where} leaves, a window of
 * fixed length from 1 second to 36,500 days), so a node accepted here is a trait profile accepts.
 */
final class EventNodeParser {

    static final int MAX_EVENT = 255;
    static final int MAX_WHERE = 20;
    static final long MAX_COUNT = 1_000_000_000L;
    private static final Duration SHORTEST = Duration.ofSeconds(1);
    private static final Duration LONGEST = Duration.ofDays(36_500);
    private static final Pattern WEEKS = Pattern.compile("P(\\d{1,5})W");
    private static final Set<String> MEMBERS = Set.of("event", "where", "count", "within", "between");
    private static final Set<Operator> COUNT_OPS = Set.of(Operator.eq, Operator.neq, Operator.gt, Operator.gte,
            Operator.lt, Operator.lte, Operator.between);
    private static final LeafParser WHERE = new LeafParser("property");
    private static final Leaf AT_LEAST_ONCE = new Leaf(EventCondition.COUNT_PATH, Operator.gte, LongNode.valueOf(1));

    static EventCondition parse(JsonNode json, String path) {
        ConditionParser.onlyMembers(json, MEMBERS, "event", path);
        JsonNode event = json.get("event");
        if (!event.isString() || event.asString().isBlank() || event.asString().length() > MAX_EVENT) {
            throw ConditionException.invalid(path + "/event",
                    "'event' needs a track event name of 1 to " + MAX_EVENT + " characters.");
        }
        if (event.asString().indexOf('\0') >= 0) {
            throw ConditionException.invalid(path + "/event", "An event name may not hold the character U+0000.");
        }
        List<Leaf> where = where(json.get("where"), path + "/where");
        Leaf count = count(json.get("count"), path + "/count");
        Duration within = json.has("within") ? within(json.get("within"), path + "/within") : null;
        EventCondition.Between between = json.has("between") ? between(json.get("between"), path + "/between") : null;
        if (within != null && between != null) {
            throw ConditionException.invalid(path + "/between", "Give 'within' or 'between', not both.");
        }
        return new EventCondition(event.asString(), where, count, within, between);
    }

    private static List<Leaf> where(JsonNode where, String path) {
        if (where == null || where.isNull()) {
            return List.of();
        }
        if (!where.isArray() || where.size() > MAX_WHERE) {
            throw ConditionException.invalid(path, "'where' needs an array of at most " + MAX_WHERE
                    + " conditions on the event's properties.");
        }
        List<Leaf> leaves = new ArrayList<>();
        for (int i = 0; i < where.size(); i++) {
            leaves.add(ConditionParser.leaf(WHERE, where.get(i), path + "/" + i));
        }
        return leaves;
    }

    /** {@code {"op", "value"}}: a count op and a whole number ≥ 0 ({@code between}: two, lower ≤ upper); default ≥ 1. */
    private static Leaf count(JsonNode count, String path) {
        if (count == null || count.isNull()) {
            return AT_LEAST_ONCE;
        }
        if (!count.isObject()) {
            throw ConditionException.invalid(path, "'count' needs an object {\"op\": \"gte\", \"value\": 3}.");
        }
        ConditionParser.onlyMembers(count, Set.of("op", "value"), "count", path);
        JsonNode opJson = count.get("op");
        Operator op = opJson == null || !opJson.isString() ? null
                : Operator.fromJson(opJson.asString()).filter(COUNT_OPS::contains).orElse(null);
        if (op == null) {
            throw ConditionException.invalid(path + "/op", "'count.op' must be one of eq, neq, gt, gte, lt, lte, between.");
        }
        JsonNode value = count.get("value");
        if (op == Operator.between) {
            if (value == null || !value.isArray() || value.size() != 2) {
                throw ConditionException.invalid(path + "/value", "'count' with between needs [lower, upper].");
            }
            long lower = whole(value.get(0), path + "/value/0");
            long upper = whole(value.get(1), path + "/value/1");
            if (lower > upper) {
                throw ConditionException.invalid(path + "/value/1", "The upper count must not be below the lower.");
            }
            ArrayNode bounds = JsonNodeFactory.instance.arrayNode().add(lower).add(upper);
            return new Leaf(EventCondition.COUNT_PATH, op, bounds);
        }
        return new Leaf(EventCondition.COUNT_PATH, op, LongNode.valueOf(whole(value, path + "/value")));
    }

    private static long whole(JsonNode value, String path) {
        // a request number too large for a double reads as Infinity, which has no decimal value
        if (value != null && value.isNumber() && !(value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue()))) {
            BigDecimal number = value.decimalValue();
            if (number.signum() >= 0 && number.stripTrailingZeros().scale() <= 0
                    && number.compareTo(BigDecimal.valueOf(MAX_COUNT)) <= 0) {
                return number.longValueExact();
            }
        }
        throw ConditionException.invalid(path, "A count must be a whole number from 0 to " + MAX_COUNT + ".");
    }

    /** A fixed-length ISO-8601 duration ({@code P30D}, {@code PT12H}, {@code P2W}); months and years have no fixed length. */
    private static Duration within(JsonNode within, String path) {
        String text = within.isString() ? within.asString().trim().toUpperCase(Locale.ROOT) : "";
        Duration duration;
        Matcher weeks = WEEKS.matcher(text);
        try {
            duration = weeks.matches() ? Duration.ofDays(7L * Long.parseLong(weeks.group(1))) : Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw ConditionException.invalid(path, "'within' must be an ISO-8601 duration of fixed length such as "
                    + "P30D, P2W or PT12H (no months or years).");
        }
        if (duration.compareTo(SHORTEST) < 0 || duration.compareTo(LONGEST) > 0) {
            throw ConditionException.invalid(path, "'within' must be from 1 second to 36500 days.");
        }
        return duration;
    }

    /** Two ISO-8601 instants, lower before upper: the events of [lower, upper). */
    private static EventCondition.Between between(JsonNode between, String path) {
        if (!between.isArray() || between.size() != 2) {
            throw ConditionException.invalid(path, "'between' needs two ISO-8601 instants [lower, upper].");
        }
        Instant[] bounds = new Instant[2];
        for (int i = 0; i < 2; i++) {
            JsonNode bound = between.get(i);
            try {
                bounds[i] = Instant.parse(bound.isString() ? bound.asString() : "");
            } catch (DateTimeParseException e) {
                throw ConditionException.invalid(path + "/" + i, "Each bound must be an ISO-8601 instant such as "
                        + "2026-11-01T00:00:00Z.");
            }
        }
        if (!bounds[0].isBefore(bounds[1])) {
            throw ConditionException.invalid(path + "/1", "The upper bound must be after the lower bound.");
        }
        return new EventCondition.Between(bounds[0], bounds[1]);
    }

    private EventNodeParser() {
    }
}
