package org.opencdp.profile.computed;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a computed trait derives from the matching events of a profile. */
enum Aggregation {
    /** How many events. */
    COUNT,
    /** The sum of a numeric property (0 without any). */
    SUM,
    /** The mean of a numeric property (null without any). */
    AVG,
    /** The smallest numeric value of a property. */
    MIN,
    /** The largest numeric value of a property. */
    MAX,
    /** The property's value in the earliest event (by event time, then messageId). */
    FIRST,
    /** The property's value in the latest event (by event time, then messageId). */
    LAST,
    /** The property's most frequent scalar value (ties: the smallest by its canonical form). */
    MOST_FREQUENT,
    /** How many distinct scalar values the property took. */
    UNIQUE_COUNT;

    /** The name in the API ({@code most_frequent}). */
    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the aggregation reads a property ({@code count} alone does not). */
    boolean needsProperty() {
        return this != COUNT;
    }

    /** Whether only numeric values of the property count. */
    boolean numeric() {
        return this == SUM || this == AVG || this == MIN || this == MAX;
    }

    static Optional<Aggregation> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
    }

    static List<String> wireNames() {
        return Arrays.stream(values()).map(Aggregation::wireName).toList();
    }
}
