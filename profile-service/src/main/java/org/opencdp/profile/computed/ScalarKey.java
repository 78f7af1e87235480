package org.opencdp.profile.computed;

import java.math.BigDecimal;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The canonical text of a scalar JSON value, used to count distinct values: {@code s:} + the string,
 * {@code n:} + the number without trailing zeros in plain notation ({@code 1}, {@code 1.0} and
 * {@code 1e0} are one value), {@code b:true} / {@code b:false}. PostgreSQL computes the same text in
 * {@link AggregateQuery} ({@code trim_scale(numeric)::text}). Objects, arrays and null have none.
 */
final class ScalarKey {

    static Optional<String> of(JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isString()) {
            return Optional.of("s:" + value.asString());
        }
        if (value.isNumber()) {
            return Optional.of("n:" + Numbers.plain(value.decimalValue()).toPlainString());
        }
        if (value.isBoolean()) {
            return Optional.of("b:" + value.asBoolean());
        }
        return Optional.empty();
    }

    /** The JSON value a key stands for. */
    static JsonNode value(String key) {
        String text = key.substring(2);
        return switch (key.charAt(0)) {
            case 's' -> JsonNodeFactory.instance.stringNode(text);
            case 'n' -> Numbers.node(new BigDecimal(text));
            case 'b' -> JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text));
            default -> throw new IllegalArgumentException("Not a scalar key: " + key);
        };
    }

    private ScalarKey() {
    }
}
