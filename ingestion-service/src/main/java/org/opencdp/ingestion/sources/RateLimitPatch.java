package org.opencdp.ingestion.sources;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * The {@code rateLimit} of a source update, with JSON merge-patch meaning: absent leaves the
 * source's rate limit as it is (the request field is then {@code null}), {@code null} returns the
 * source to the service-wide default ({@link #reset()} true), an object sets the source's own.
 */
@JsonDeserialize(using = RateLimitPatch.Reader.class)
record RateLimitPatch(
        boolean reset,
        @Min(1) @Max(MAX) Integer eventsPerSecond,
        @Min(1) @Max(MAX) Integer burst) {

    static final int MAX = 100_000_000;

    @AssertTrue(message = "needs both 'eventsPerSecond' and 'burst', or null for the default")
    public boolean isComplete() {
        return reset || (eventsPerSecond != null && burst != null);
    }

    /** The source's own rate limit, or null to use the default. */
    RateLimitOverride override() {
        return reset ? null : new RateLimitOverride(eventsPerSecond, burst);
    }

    /** The JSON object form. */
    record Fields(Integer eventsPerSecond, Integer burst) {
    }

    /** Tells an explicit {@code null} (reset) from an absent field (no change). */
    static final class Reader extends ValueDeserializer<RateLimitPatch> {
        @Override
        public RateLimitPatch deserialize(JsonParser parser, DeserializationContext context) {
            Fields fields = context.readValue(parser, Fields.class);
            return new RateLimitPatch(false, fields.eventsPerSecond(), fields.burst());
        }

        @Override
        public Object getNullValue(DeserializationContext context) {
            return new RateLimitPatch(true, null, null);
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return null;
        }
    }
}
