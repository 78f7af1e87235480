package org.opencdp.segmentation.condition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.LeafEvaluator;
import org.opencdp.conditions.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How often a profile did a track event: {@code {"event": "Order Completed", "where": [{"property":
 * "total", "op": "gte", "value": 50}], "count": {"op": "gte", "value": 3}, "within": "P30D"}} (or
 * {@code "between": [lower, upper]}, or neither for all time).
 *
 * <p>Segmentation keeps no events: the node is a <em>hidden computed trait</em> of profile-service
 * ({@link #hiddenTrait()}, a {@code count} of the event with the same {@code where} and window), which
 * stores the events, slides the window on time and publishes the count in ProfileChanged. The node is
 * then the leaf {@code count} over that trait's value, a missing value being 0 (never did it).
 *
 * @param event the track event's name
 * @param where leaves of the shared condition language on the event's properties, all must hold
 * @param count the test of the number of matching events, path {@link #COUNT_PATH}
 * @param within a sliding window (null without)
 * @param between a fixed range of event times [lower, upper) (null without)
 * @param hiddenTrait derived from the others (see {@link #hiddenTraitOf}); computed once, as evaluation reads it per profile
 */
public record EventCondition(String event, List<Leaf> where, Leaf count, Duration within, Between between,
                             String hiddenTrait) implements Condition {

    /** The JSON member that names the event. */
    public static final String MEMBER = "event";
    /** The path of the {@link #count} leaf (the count is not addressed by a path; the leaf is reused for its semantics). */
    static final Path COUNT_PATH = Path.of("count");
    /** Every hidden trait's key starts so; profile-service reserves keys starting with {@code _} for hidden traits. */
    public static final String HIDDEN_PREFIX = "_seg_";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonNode ZERO = IntNode.valueOf(0);

    /** A fixed range of event times: lower inclusive, upper exclusive. */
    public record Between(Instant lower, Instant upper) {
    }

    public EventCondition {
        Objects.requireNonNull(event, "event");
        where = List.copyOf(where);
        Objects.requireNonNull(count, "count");
        if (within != null && between != null) {
            throw new IllegalArgumentException("within or between, not both");
        }
        hiddenTrait = hiddenTraitOf(canonical(json(event, where, null, within, between)));
    }

    public EventCondition(String event, List<Leaf> where, Leaf count, Duration within, Between between) {
        this(event, where, count, within, between, null);
    }

    /** Whether the count test holds for the hidden trait's current value ({@code null}: no value, i.e. 0). */
    boolean countMatches(JsonNode value) {
        return LeafEvaluator.test(count, value == null || value.isNull() ? ZERO : value);
    }

    /**
     * The key of the computed trait of profile-service this node reads: {@value #HIDDEN_PREFIX} and the first 32 hex
     * digits of the SHA-256 of {@link #traitDefinition()} (event, where and window, canonical, numbers by
     * value), so every segment (and every instance) using the same event facts shares one trait, and the
     * count test is not part of it.
     */
    private static String hiddenTraitOf(JsonNode traitDefinition) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(traitDefinition.toString().getBytes(StandardCharsets.UTF_8));
            return HIDDEN_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code json} with every number replaced by {@code {"$number": its plain decimal without trailing
     * zeros}}: the stored condition is read back from jsonb, which may write a number otherwise than the
     * request did ({@code 1e20} as {@code 100000000000000000000}), and the key must not change with it.
     * No condition value is an object, so the wrapper collides with nothing.
     */
    private static JsonNode canonical(JsonNode json) {
        if (json.isNumber()) {
            return NODES.objectNode().put("$number", json.decimalValue().stripTrailingZeros().toPlainString());
        }
        if (json.isArray()) {
            ArrayNode array = NODES.arrayNode();
            json.forEach(element -> array.add(canonical(element)));
            return array;
        }
        if (json.isObject()) {
            ObjectNode object = NODES.objectNode();
            json.forEachEntry((name, value) -> object.set(name, canonical(value)));
            return object;
        }
        return json;
    }

    /** The facts the hidden trait counts, canonical: {@code {"event", "where", "within" | "between"}}. */
    public ObjectNode traitDefinition() {
        return json(event, where, null, within, between);
    }

    /** The canonical JSON form of the node: {@code {"event", "where", "count", "within" | "between"}}. */
    ObjectNode toJson() {
        return json(event, where, count, within, between);
    }

    private static ObjectNode json(String event, List<Leaf> where, Leaf count, Duration within, Between between) {
        ObjectNode json = NODES.objectNode();
        json.put(MEMBER, event);
        ArrayNode filters = json.putArray("where");
        where.forEach(leaf -> filters.add(leaf.toJson("property")));
        if (count != null) {
            json.putObject("count").put("op", count.op().name()).set("value", count.value());
        }
        if (within != null) {
            json.put("within", within.toString());
        }
        if (between != null) {
            json.putArray("between").add(between.lower().toString()).add(between.upper().toString());
        }
        return json;
    }
}
