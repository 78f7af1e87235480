package org.opencdp.identity.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Values that never link anything: placeholders SDKs and integrations send when they know nothing
 * ({@code null}, {@code undefined}, {@code 0}, {@code 00000000-0000-…}), plus a workspace's own.
 * Workspace patterns run on a budget: a pattern that backtracks too long on a value counts as a
 * match, so a bad regex blocks a value instead of stalling resolution.
 */
final class BlockedValues {

    /** Blocked in every workspace, compared trimmed and case-insensitively; blank values too. */
    static final List<String> DEFAULT_VALUES = List.of("-1", "null", "undefined", "anonymous", "unknown", "");
    /** Blocked in every workspace: only zeros and dashes (an unset IDFA, {@code 0}, {@code 000-000}). */
    static final List<String> DEFAULT_PATTERNS = List.of("^[0-]*$");

    /** Character reads one pattern may make on one value before it counts as matching. */
    private static final int MATCH_BUDGET = 100_000;

    private final Set<String> values = new HashSet<>();
    private final List<Pattern> patterns;

    BlockedValues(List<String> extraValues, List<String> extraPatterns) {
        DEFAULT_VALUES.forEach(value -> values.add(value.toLowerCase(Locale.ROOT)));
        extraValues.forEach(value -> values.add(value.trim().toLowerCase(Locale.ROOT)));
        patterns = java.util.stream.Stream.concat(DEFAULT_PATTERNS.stream(), extraPatterns.stream())
                .map(Pattern::compile).toList();
    }

    boolean isBlocked(String value) {
        String trimmed = value.trim();
        if (values.contains(trimmed.toLowerCase(Locale.ROOT))) {
            return true;
        }
        for (Pattern pattern : patterns) {
            if (find(pattern, trimmed)) {
                return true;
            }
        }
        return false;
    }

    private static boolean find(Pattern pattern, String value) {
        try {
            return pattern.matcher(new BudgetedChars(value, new int[] {MATCH_BUDGET})).find();
        } catch (BudgetExceeded e) {
            return true;
        }
    }

    /** A string whose reads are counted against a budget shared with its sub-sequences. */
    private record BudgetedChars(String text, int[] budget) implements CharSequence {

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedChars(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }
}
