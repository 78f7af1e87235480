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
 * <p>As JSON Schema says, a pattern matches when it matches anywhere in the string (it is not
 * anchored): {@code find}, not {@code matches}.
 */
final class LinearTimePatterns implements RegularExpressionFactory {

    static final LinearTimePatterns INSTANCE = new LinearTimePatterns();

    /** Thrown for a pattern RE2J cannot compile; its message says why, for the plan's author. */
    static final class UnsupportedPatternException extends IllegalArgumentException {
        UnsupportedPatternException(String pattern, PatternSyntaxException cause) {
            super(message(cause), cause);
        }
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = compile(regex);
        return value -> pattern.matcher(value).find();
    }

    /** Compiles {@code regex}, or throws {@link UnsupportedPatternException}. */
    static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new UnsupportedPatternException(regex, e);
        }
    }

    /** Why the pattern cannot be used, or null when it can. */
    static String problemOf(String regex) {
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return message(e);
        }
    }

    private static String message(PatternSyntaxException e) {
        return "The pattern cannot be used: " + e.getDescription() + " (patterns run on a linear-time engine, "
                + "RE2 syntax: no backreferences and no lookahead or lookbehind).";
    }

    private LinearTimePatterns() {
    }
}
