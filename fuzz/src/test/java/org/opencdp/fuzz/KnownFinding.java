package org.opencdp.fuzz;

/**
 * What the fuzz tests found in code this module may not change, reported to its owners (issue 16;
 * docs/security.md, "Fuzzing"). Each is recognised narrowly where it shows and let pass, so that
 * fuzzing goes on finding new problems instead of stopping at the known one in every build; the
 * inputs that show it stay in the fuzz tests' inputs directories. Once the owner fixes it, run
 * {@code ./mvnw -o verify -pl fuzz -Dfuzz.known-findings=fail}: the inputs must pass without the
 * tolerance, and the constant can go.
 */
public enum KnownFinding {

    /**
     * ingestion-service, {@code TrackingJson.readObject/readBatch}: a number whose exponent is beyond
     * the int range ({@code 1E+2147483648}, 13 characters) makes Jackson's BigDecimal reader throw
     * {@link NumberFormatException}, not a {@code JacksonException}; it escapes as a 500, not the 400
     * {@code invalid_json}. Fix: catch it with {@code JacksonException}.
     */
    TRACKING_JSON_EXPONENT,

    /**
     * ingestion-service, {@code SchemaPatterns} / {@code LinearTimePatterns}: RE2J compiles a pattern
     * in time quadratic in its length (64,000 characters: 1.5 s; 1 MB: minutes; measured), and a
     * tracking plan's patterns have no length limit, so one {@code PUT} holds a request thread for
     * as long as its body allows; {@code "format": "regex"} compiles every event value it checks the
     * same way (a 32 KB value: about 0.5 s per event, from a public write key). Fix: a pattern length
     * limit (refused with its pointer), and no regex compile of values longer than it.
     */
    TRACKING_PLAN_LONG_PATTERN,

    /**
     * ingestion-service, {@code TrackingPlanCompiler.check}: checking a deeply nested schema against
     * its meta-schema recurses per level and overflows the stack of a request thread (420 levels did
     * on a default thread stack; the request parser allows 500): a {@link StackOverflowError}, a 500. Fix: refuse schemas
     * deeper than, say, 64 levels before the meta-schema check.
     */
    TRACKING_PLAN_DEEP_SCHEMA,

    /**
     * ingestion-service, {@code TrackingPlanCompiler.check}: the meta-schema check (networknt) converts
     * keyword values with Jackson 3's {@code asLong()}, which throws {@code JsonNodeException} for a
     * number out of range ({@code "minItems": 1e300}); it escapes as a 500 instead of 400 {@code
     * invalid_tracking_plan}. Fix: catch it as an error of that schema.
     */
    TRACKING_PLAN_NUMBER_CONVERSION,

    /**
     * ingestion-service, {@code TrackingPlanCompiler}: a U+0000 anywhere in a schema ({@code "const":
     * "\u0000"}, a property name) is accepted; storing the plan ({@code jsonb}) then fails with a 500.
     * Fix: refuse it as {@code invalid_tracking_plan} with its pointer.
     */
    TRACKING_PLAN_NUL,

    /**
     * ingestion-service, {@code TrackingPlanCompiler} / {@code CompiledTrackingPlan}: a schema whose
     * {@code $ref}s form a cycle ({@code a -> b -> a}) compiles, and checking any event against it
     * recurses without end (networknt's {@code RefValidator}; the evaluation-step limit does not stop
     * it): a {@link StackOverflowError} on the Tracking API for every event of that name, so every
     * call carrying one answers 500 and the SDK retries it for good. Fix: refuse a plan whose schemas'
     * references cycle without consuming input, or check events under a depth limit.
     */
    TRACKING_PLAN_REF_CYCLE;

    /** Whether known findings pass ({@code -Dfuzz.known-findings=fail} makes them fail, to check a fix). */
    public boolean tolerated() {
        return !"fail".equals(System.getProperty("fuzz.known-findings"));
    }

    /** Lets the finding pass, or fails with {@code message} when known findings must fail. */
    public void tolerate(String message, Throwable cause) {
        if (!tolerated()) {
            throw new AssertionError(name() + " (a known finding): " + message, cause);
        }
    }
}
