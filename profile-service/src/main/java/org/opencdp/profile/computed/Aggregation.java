package org.opencdp.profile.computed;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a computed trait derives from the matching events of a profile; the constant names are the API names. */
enum Aggregation {
    /** How many events. */
    count,
    /** The sum of a numeric property (0 without any). */
    sum,
    /** The mean of a numeric property (null without any). */
    avg,
    /** The smallest numeric value of a property. */
    min,
    /** The largest numeric value of a property. */
    max,
    /** The property's value in the earliest event (by event time, then messageId). */
    first,
    /** The property's value in the latest event (by event time, then messageId). */
    last,
    /** The property's most frequent scalar value (ties: the smallest by its canonical form). */
    most_frequent,
    /** How many distinct scalar values the property took. */
    unique_count;

    /** Whether the aggregation reads a property ({@code count} alone does not). */
    boolean needsProperty() {
        return this != count;
    }

    /** Whether only numeric values of the property count. */
    boolean numeric() {
        return this == sum || this == avg || this == min || this == max;
    }

    /** The aggregation with this API name, if any (names are case-sensitive). */
    static Optional<Aggregation> parse(String name) {
        return Arrays.stream(values()).filter(a -> a.name().equals(name)).findFirst();
    }

    /** Every API name, for error messages. */
    static List<String> names() {
        return Arrays.stream(values()).map(Aggregation::name).toList();
    }
}
