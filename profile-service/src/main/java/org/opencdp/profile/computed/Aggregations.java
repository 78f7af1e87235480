package org.opencdp.profile.computed;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.opencdp.profile.computed.AggregateState.Count;
import org.opencdp.profile.computed.AggregateState.Extreme;
import org.opencdp.profile.computed.AggregateState.Frequencies;
import org.opencdp.profile.computed.AggregateState.Positioned;
import org.opencdp.profile.computed.AggregateState.Total;
import org.opencdp.profile.profiles.CodePoints;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The arithmetic of each {@link Aggregation} over {@link AggregateState}s: the state of no event,
 * the state of one event, combining two states, the value of a state, and the JSON form of a state
 * (the same form {@link AggregateQuery} computes in SQL). Pure: no I/O, no clock.
 */
final class Aggregations {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static AggregateState empty(Aggregation aggregation) {
        return switch (aggregation) {
            case count -> new Count(0);
            case sum, avg -> new Total(BigDecimal.ZERO, 0);
            case min, max -> new Extreme(null);
            case first, last -> Positioned.EMPTY;
            case most_frequent, unique_count -> new Frequencies(new TreeMap<>());
        };
    }

    /**
     * The state of one matching event whose property has {@code value} (null or missing when the
     * event lacks it). Empty when the event does not count: a numeric aggregation of a value that
     * is not a number, a frequency of one that is not a scalar, first / last of a missing or null
     * value.
     */
    static Optional<AggregateState> observe(Aggregation aggregation, JsonNode value, Instant at, String messageId) {
        boolean present = value != null && !value.isMissingNode() && !value.isNull();
        return switch (aggregation) {
            case count -> Optional.of(new Count(1));
            case sum, avg -> present && value.isNumber()
                    ? Optional.of(new Total(value.decimalValue(), 1)) : Optional.empty();
            case min, max -> present && value.isNumber()
                    ? Optional.of(new Extreme(value.decimalValue())) : Optional.empty();
            case first, last -> present ? Optional.of(new Positioned(value, at, messageId)) : Optional.empty();
            case most_frequent, unique_count -> ScalarKey.of(value).map(key -> new Frequencies(new TreeMap<>(Map.of(key, 1L))));
        };
    }

    /** The state of the events of {@code a} and {@code b} together (they share no event). */
    static AggregateState combine(Aggregation aggregation, AggregateState a, AggregateState b) {
        return switch (aggregation) {
            case count -> new Count(((Count) a).count() + ((Count) b).count());
            case sum, avg -> new Total(((Total) a).sum().add(((Total) b).sum()), ((Total) a).count() + ((Total) b).count());
            case min -> extreme((Extreme) a, (Extreme) b, -1);
            case max -> extreme((Extreme) a, (Extreme) b, 1);
            case first -> positioned((Positioned) a, (Positioned) b, -1);
            case last -> positioned((Positioned) a, (Positioned) b, 1);
            case most_frequent, unique_count -> {
                TreeMap<String, Long> counts = new TreeMap<>(((Frequencies) a).counts());
                ((Frequencies) b).counts().forEach((key, n) -> counts.merge(key, n, Long::sum));
                yield new Frequencies(counts);
            }
        };
    }

    /** The trait value of a state; JSON null when there is none (an average of nothing). */
    static JsonNode value(Aggregation aggregation, AggregateState state) {
        return switch (aggregation) {
            case count -> JSON.numberNode(((Count) state).count());
            case sum -> Numbers.node(((Total) state).sum());
            case avg -> {
                Total total = (Total) state;
                yield total.count() == 0 ? NullNode.getInstance() : Numbers.node(Numbers.mean(total.sum(), total.count()));
            }
            case min, max -> {
                BigDecimal value = ((Extreme) state).value();
                yield value == null ? NullNode.getInstance() : Numbers.node(value);
            }
            case first, last -> {
                JsonNode value = ((Positioned) state).value();
                yield value == null ? NullNode.getInstance() : value;
            }
            case most_frequent -> mostFrequent((Frequencies) state);
            case unique_count -> JSON.numberNode((long) ((Frequencies) state).counts().size());
        };
    }

    /** The JSON form of a state, as stored in {@code computed_traits.state}. */
    static ObjectNode toJson(AggregateState state) {
        ObjectNode json = JSON.objectNode();
        switch (state) {
            case Count count -> json.put("count", count.count());
            case Total total -> json.put("sum", total.sum().toPlainString()).put("count", total.count());
            case Extreme extreme -> json.put("value", extreme.value() == null ? null : extreme.value().toPlainString());
            case Positioned positioned -> {
                json.set("value", positioned.value());
                json.put("at", positioned.at() == null ? null : positioned.at().toString());
                json.put("messageId", positioned.messageId());
            }
            case Frequencies frequencies -> {
                ObjectNode counts = json.putObject("counts");
                frequencies.counts().forEach(counts::put);
            }
        }
        return json;
    }

    /** Reads a state of {@code aggregation} from its JSON form (from the table or from SQL). */
    static AggregateState fromJson(Aggregation aggregation, JsonNode json) {
        return switch (aggregation) {
            case count -> new Count(json.path("count").asLong(0));
            case sum, avg -> new Total(decimal(json.get("sum")).orElse(BigDecimal.ZERO), json.path("count").asLong(0));
            case min, max -> new Extreme(decimal(json.get("value")).orElse(null));
            case first, last -> {
                JsonNode at = json.get("at");
                if (at == null || at.isNull()) {
                    yield Positioned.EMPTY;
                }
                yield new Positioned(json.get("value"), Instant.parse(at.asString()), json.path("messageId").asString());
            }
            case most_frequent, unique_count -> {
                TreeMap<String, Long> counts = new TreeMap<>();
                JsonNode stored = json.get("counts");
                if (stored != null && stored.isObject()) {
                    stored.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
                }
                yield new Frequencies(counts);
            }
        };
    }

    private static Extreme extreme(Extreme a, Extreme b, int sign) {
        if (a.value() == null) {
            return b;
        }
        if (b.value() == null) {
            return a;
        }
        return Integer.signum(b.value().compareTo(a.value())) == sign ? b : a;
    }

    private static Positioned positioned(Positioned a, Positioned b, int sign) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        int order = b.at().compareTo(a.at());
        if (order == 0) {
            order = CodePoints.compare(b.messageId(), a.messageId());
        }
        return Integer.signum(order) == sign ? b : a;
    }

    private static JsonNode mostFrequent(Frequencies state) {
        String best = null;
        long bestCount = 0;
        for (Map.Entry<String, Long> entry : state.counts().entrySet()) { // sorted: ties keep the smallest key
            if (entry.getValue() > bestCount) {
                best = entry.getKey();
                bestCount = entry.getValue();
            }
        }
        return best == null ? NullNode.getInstance() : ScalarKey.value(best);
    }

    private static Optional<BigDecimal> decimal(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(value.isNumber() ? value.decimalValue() : new BigDecimal(value.asString()));
    }

    private Aggregations() {
    }
}
