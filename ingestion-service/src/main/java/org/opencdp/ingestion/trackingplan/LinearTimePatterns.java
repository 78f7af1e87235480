package org.opencdp.ingestion.trackingplan;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * The regular expressions of tracking plans ({@code pattern}, {@code patternProperties}, {@code
 * "format": "regex"}) run on RE2J, whose matching time grows linearly with the input, whatever the
 * pattern. A plan is tenant input and events are checked on request threads every tenant shares, so
 * a catastrophic pattern such as {@code ^(a+)+$} must not backtrack for ever on a long string, as
 * {@code java.util.regex} would. RE2J has no backreferences or lookaround; a pattern that uses them
 * does not compile, and the plan is refused when it is stored.
 *
 * <p>RE2J's compile time grows with the square of the pattern's length (64,000 characters took 1.5 s,
 * 1 MB minutes; issue 16), so a pattern may have at most {@link #MAX_PATTERN_LENGTH} characters: a
 * longer one refuses the plan, and a longer value checked by {@code "format": "regex"} is not
 * compiled but is not a valid regex for the plan.
 *
 * <p>As JSON Schema says, a pattern matches when it matches anywhere in the string (it is not
 * anchored): {@code find}, not {@code matches}.
 */
final class LinearTimePatterns implements RegularExpressionFactory {

    static final LinearTimePatterns INSTANCE = new LinearTimePatterns();
    /** The longest pattern compiled: 4,000 characters took 50 ms to compile, so 1,000 take about 3. */
    static final int MAX_PATTERN_LENGTH = 1_000;

    /** Thrown for a pattern RE2J cannot compile; its message says why, for the plan's author. */
    static final class UnsupportedPatternException extends IllegalArgumentException {
        UnsupportedPatternException(String pattern, PatternSyntaxException cause) {
            super(message(cause), cause);
        }

        UnsupportedPatternException(String message) {
            super(message);
        }
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = compile(regex);
        return value -> pattern.matcher(value).find();
    }

    /** Compiles {@code regex}, or throws {@link UnsupportedPatternException}. */
    static Pattern compile(String regex) {
        if (regex.length() > MAX_PATTERN_LENGTH) {
            throw new UnsupportedPatternException(tooLong(regex));
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new UnsupportedPatternException(regex, e);
        }
    }

    /** Why the pattern cannot be used, or null when it can. */
    static String problemOf(String regex) {
        if (regex.length() > MAX_PATTERN_LENGTH) {
            return tooLong(regex);
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return message(e);
        }
    }

    private static String tooLong(String regex) {
        return "The pattern has " + regex.length() + " characters; a pattern may have at most " + MAX_PATTERN_LENGTH
                + ".";
    }

    private static String message(PatternSyntaxException e) {
        return "The pattern cannot be used: " + e.getDescription() + " (patterns run on a linear-time engine, "
                + "RE2 syntax: no backreferences and no lookahead or lookbehind).";
    }

    private LinearTimePatterns() {
    }
}
