package org.opencdp.conditions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where {@link LeafSql} puts the values it binds: each call records one value and answers the
 * placeholder to write in its place. Values are {@link String}, {@link java.math.BigDecimal} or
 * {@link Boolean}, always written inside a {@code CAST(… AS type)}, so no JDBC type hint is needed.
 */
@FunctionalInterface
public interface SqlParameters {

    /** Records {@code value} and returns its placeholder ({@code ?} or {@code :name}). */
    String bind(Object value);

    /** Named placeholders {@code :<prefix>0}, {@code :<prefix>1}… handed to {@code sink} (e.g. a {@code MapSqlParameterSource::addValue}). */
    static SqlParameters named(String prefix, BiConsumer<String, Object> sink) {
        int[] next = {0};
        return value -> {
            String name = prefix + next[0]++;
            sink.accept(name, value);
            return ":" + name;
        };
    }

    /** JDBC {@code ?} placeholders, with the values in order for {@code PreparedStatement#setObject}. */
    static Positional positional() {
        return new Positional();
    }

    /** {@code ?} placeholders and their values in order. */
    final class Positional implements SqlParameters {

        private final List<Object> values = new ArrayList<>();

        @Override
        public String bind(Object value) {
            values.add(value);
            return "?";
        }

        /** The bound values, in placeholder order. */
        public List<Object> values() {
            return List.copyOf(values);
        }
    }
}
