package org.opencdp.contracts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How one workspace turns written identifier values into identifiers: the shared normal form
 * ({@link IdentifierValues#normalise}), phone numbers without a country code read in the
 * workspace's default region, and blocked values (placeholders SDKs send when they know nothing,
 * plus the workspace's own) left out. identity-service owns the rules and publishes them on {@link
 * Topics#IDENTIFIER_RULES}; every other service applies the same instance through the kit's {@code
 * IdentifierRulesView}, so a lookup by any identifier anywhere gives identity's answer. Immutable.
 *
 * <p>Workspace patterns run on a budget: a pattern that backtracks too long on a value counts as a
 * match, so a bad regex blocks a value instead of stalling a consumer.
 */
public final class WorkspaceIdentifierRules {

    /** Blocked in every workspace, compared trimmed and case-insensitively; blank values too. */
    public static final List<String> DEFAULT_BLOCKED_VALUES = List.of("-1", "null", "undefined", "anonymous", "unknown", "");
    /** Blocked in every workspace: only zeros and dashes (an unset IDFA, {@code 0}, {@code 000-000}). */
    public static final List<String> DEFAULT_BLOCKED_PATTERNS = List.of("^[0-]*$");

    /** The rules of a workspace that never set any: international phone numbers only, default blocks. */
    public static final WorkspaceIdentifierRules DEFAULT = new WorkspaceIdentifierRules(null, List.of(), List.of());

    /** Character reads one pattern may make on one value before it counts as matching. */
    private static final int MATCH_BUDGET = 100_000;

    private final String defaultPhoneRegion;
    private final List<String> blockedValues;
    private final List<String> blockedPatterns;
    private final Set<String> blocked = new HashSet<>();
    private final List<Pattern> patterns;

    /**
     * @param defaultPhoneRegion ISO 3166 region national phone numbers are read in; {@code null}
     *     accepts only international numbers ({@code +…})
     * @param blockedValues the workspace's blocked values, on top of {@link #DEFAULT_BLOCKED_VALUES}
     * @param blockedPatterns the workspace's blocked regular expressions ({@code find} semantics), on
     *     top of {@link #DEFAULT_BLOCKED_PATTERNS}; each must compile
     */
    public WorkspaceIdentifierRules(String defaultPhoneRegion, List<String> blockedValues, List<String> blockedPatterns) {
        this.defaultPhoneRegion = defaultPhoneRegion;
        this.blockedValues = List.copyOf(blockedValues);
        this.blockedPatterns = List.copyOf(blockedPatterns);
        DEFAULT_BLOCKED_VALUES.forEach(value -> blocked.add(value.toLowerCase(Locale.ROOT)));
        this.blockedValues.forEach(value -> blocked.add(value.trim().toLowerCase(Locale.ROOT)));
        this.patterns = Stream.concat(DEFAULT_BLOCKED_PATTERNS.stream(), this.blockedPatterns.stream())
                .map(Pattern::compile).toList();
    }

    public String defaultPhoneRegion() {
        return defaultPhoneRegion;
    }

    /** The workspace's own blocked values (the defaults not included). */
    public List<String> blockedValues() {
        return blockedValues;
    }

    /** The workspace's own blocked patterns (the defaults not included). */
    public List<String> blockedPatterns() {
        return blockedPatterns;
    }

    /**
     * The value {@code raw} stands for as an identifier of {@code type} (a normalised type name):
     * empty when it is blank, longer than {@code maxLength}, invalid for its type or blocked.
     */
    public Optional<String> normalise(String type, String raw, int maxLength) {
        return IdentifierValues.normalise(type, raw, defaultPhoneRegion, maxLength).filter(value -> !isBlocked(value));
    }

    /**
     * The identifier {@code type}/{@code value} stand for, type name included ({@link
     * IdentifierTypes#normalise}), or empty when either is not an identifier in this workspace or the
     * value holds U+0000 (which PostgreSQL refuses).
     */
    public Optional<Identifier> identifier(String type, String value, int maxLength) {
        return IdentifierTypes.normalise(type).flatMap(normalType -> normalise(normalType, value, maxLength)
                .filter(normalValue -> normalValue.indexOf('\u0000') < 0)
                .map(normalValue -> new Identifier(normalType, normalValue)));
    }

    /**
     * The identifiers an event carries in its standard fields ({@link EventIdentifierFields}), sorted
     * by type then value. identity-service adds a workspace's custom identifiers and publishes the
     * result as {@link EventResolved#identifiers()}, which consumers read instead of calling this.
     */
    public List<Identifier> identifiersOf(SegmentEvent event, int maxLength) {
        TreeSet<Identifier> found = new TreeSet<>(Comparator.comparing(Identifier::type).thenComparing(Identifier::value));
        for (EventIdentifierFields.Written written : EventIdentifierFields.of(event)) {
            identifier(written.type(), written.value(), maxLength).ifPresent(found::add);
        }
        return new ArrayList<>(found);
    }

    /** Whether {@code value} is blocked (by default or by the workspace). */
    public boolean isBlocked(String value) {
        String trimmed = value.trim();
        if (blocked.contains(trimmed.toLowerCase(Locale.ROOT))) {
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
