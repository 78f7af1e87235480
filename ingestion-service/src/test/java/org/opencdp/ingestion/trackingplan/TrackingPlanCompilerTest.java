package org.opencdp.ingestion.trackingplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.ingestion.trackingplan.TrackingPlan.Mode;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class TrackingPlanCompilerTest {

    private static final String ORDER_SCHEMA = """
            {"type": "object", "required": ["total"], "additionalProperties": false,
             "properties": {"total": {"type": "number", "minimum": 0}, "currency": {"enum": ["EUR", "USD"]},
                            "email": {"format": "email"}}}""";

    private final TrackingPlanCompiler compiler = new TrackingPlanCompiler();

    @Test
    void shouldPassAnEventThatFollowsItsSchemaAndCallsThePlanDoesNotCover() {
        CompiledTrackingPlan plan = compiler.compile(plan(Map.of("Order Completed", json(ORDER_SCHEMA)),
                Mode.block, Mode.block));

        assertThat(plan.check(track("Order Completed", "{\"total\": 19.9, \"currency\": \"EUR\"}"))).isEmpty();
        assertThat(plan.check(event(EventType.page, null, null))).isEmpty();
        assertThat(plan.check(event(EventType.identify, null, json("{\"anything\": 1}")))).isEmpty();
    }

    @Test
    void shouldReportEverySchemaErrorWithAPointerIntoTheEvent() {
        CompiledTrackingPlan plan = compiler.compile(plan(Map.of("Order Completed", json(ORDER_SCHEMA)),
                Mode.allow, Mode.block));

        Violation violation = plan.check(track("Order Completed",
                "{\"total\": -1, \"currency\": \"GBP\", \"email\": \"not-an-address\", \"extra\": true}")).orElseThrow();

        assertThat(violation.blocked()).isTrue();
        assertThat(violation.planned()).isTrue();
        assertThat(violation.eventName()).isEqualTo("Order Completed");
        assertThat(violation.messageId()).isEqualTo("m1");
        assertThat(violation.reasons()).allSatisfy(reason -> assertThat(reason.code()).isEqualTo("schema_violation"));
        assertThat(violation.reasons()).extracting(reason -> reason.path()).containsExactlyInAnyOrder(
                "/properties/total", "/properties/currency", "/properties/email", "/properties");
        assertThat(violation.message()).contains("/properties/total: ").doesNotContain("not-an-address");
    }

    @Test
    void shouldCheckMissingPropertiesAsAnEmptyObject() {
        CompiledTrackingPlan plan = compiler.compile(plan(Map.of("Order Completed", json(ORDER_SCHEMA)),
                Mode.allow, Mode.allow));

        Violation violation = plan.check(track("Order Completed", null)).orElseThrow();

        assertThat(violation.blocked()).isFalse();
        assertThat(violation.message()).contains("total");
    }

    @Test
    void shouldTreatUnplannedEventsAsTheModeSays() {
        var allow = compiler.compile(plan(Map.of("Order Completed", json(ORDER_SCHEMA)), Mode.allow, Mode.block));
        var block = compiler.compile(plan(Map.of("Order Completed", json(ORDER_SCHEMA)), Mode.block, Mode.allow));

        Violation allowed = allow.check(track("Signed Up", "{}")).orElseThrow();
        Violation blocked = block.check(track("Signed Up", "{}")).orElseThrow();

        assertThat(allowed.blocked()).isFalse();
        assertThat(allowed.planned()).isFalse();
        assertThat(allowed.code()).isEqualTo("unplanned_event");
        assertThat(allowed.reasons().getFirst().path()).isEqualTo("/event");
        assertThat(blocked.blocked()).isTrue();
    }

    @Test
    void shouldCheckIdentifyAndGroupTraits() {
        TrackingPlan withTraits = new TrackingPlan(Map.of(),
                json("{\"type\": \"object\", \"properties\": {\"plan\": {\"enum\": [\"free\", \"pro\"]}}}"),
                json("{\"required\": [\"name\"]}"), Mode.allow, Mode.block);
        CompiledTrackingPlan plan = compiler.compile(withTraits);

        assertThat(plan.check(event(EventType.identify, null, json("{\"plan\": \"pro\"}")))).isEmpty();
        Violation identify = plan.check(event(EventType.identify, null, json("{\"plan\": \"gold\"}"))).orElseThrow();
        assertThat(identify.type()).isEqualTo(EventType.identify);
        assertThat(identify.eventName()).isEmpty();
        assertThat(identify.reasons().getFirst().path()).isEqualTo("/traits/plan");
        assertThat(plan.check(event(EventType.group, null, null)).orElseThrow().reasons().getFirst().path())
                .isEqualTo("/traits");
    }

    @Test
    void shouldRefuseSchemasThatBreakTheirMetaSchemaListingEveryError() {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        events.put("Bad Type", json("{\"type\": \"obj\"}"));
        events.put("a/b~c", json("{\"minLength\": -1}"));
        events.put("Not A Schema", json("[1]"));

        CdpException refused = refuse(plan(events, Mode.allow, Mode.allow));

        assertThat(refused.code()).isEqualTo("invalid_tracking_plan");
        assertThat(errorPaths(refused)).contains("/events/Bad Type/type", "/events/a~1b~0c/minLength",
                "/events/Not A Schema");
        assertThat(refused.getMessage()).startsWith("The tracking plan has ");
    }

    @Test
    void shouldRefuseSchemasThatReferToAnythingOutsideThemselves() {
        for (String ref : List.of("https://example.com/schema.json", "classpath:ingestion-service.yml",
                "file:///etc/passwd", "#/$defs/missing")) {
            CdpException refused = refuse(plan(Map.of("E", json("{\"$ref\": \"" + ref + "\"}")), Mode.allow,
                    Mode.allow));

            assertThat(errorPaths(refused)).as(ref).containsExactly("/events/E");
        }
        assertThat(compiler.compile(plan(Map.of("E", json("""
                {"$defs": {"money": {"type": "number"}}, "properties": {"total": {"$ref": "#/$defs/money"}}}""")),
                Mode.allow, Mode.allow)).check(track("E", "{\"total\": \"x\"}"))).isPresent();
    }

    @Test
    void shouldRefuseAnUnknownDialectAnInvalidPatternAndABlankEventName() {
        assertThat(errorPaths(refuse(plan(Map.of("E", json("{\"$schema\": \"https://example.com/dialect\"}")),
                Mode.allow, Mode.allow)))).containsExactly("/events/E/$schema");
        assertThat(errorPaths(refuse(plan(Map.of("E", json("{\"pattern\": \"([a-\"}")), Mode.allow, Mode.allow))))
                .containsExactly("/events/E/pattern");
        assertThat(errorPaths(refuse(plan(Map.of(" ", json("true")), Mode.allow, Mode.allow))))
                .containsExactly("/events/ ");
        assertThat(compiler.compile(plan(Map.of("E", json(
                "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\"}")),
                Mode.allow, Mode.allow)).check(track("E", "{}"))).isEmpty();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS) // only against a hang: a backtracking engine would take ages
    void shouldCheckACatastrophicPatternAgainstA32KbStringInLinearTime() { // issue 10
        CompiledTrackingPlan plan = compiler.compile(plan(Map.of("E", json("""
                {"properties": {"code": {"type": "string", "pattern": "^(a+)+$"}},
                 "patternProperties": {"^(x+x+)+y$": {"type": "integer"}}}""")), Mode.allow, Mode.block));
        String hostile = "a".repeat(32 * 1024) + "!";
        String hostileName = "x".repeat(32 * 1024);

        Violation violation = plan.check(track("E", "{\"code\": \"" + hostile + "\", \"" + hostileName + "\": \"s\"}"))
                .orElseThrow();

        assertThat(violation.code()).isEqualTo("schema_violation");
        assertThat(violation.reasons()).extracting(reason -> reason.path()).containsExactly("/properties/code");
        assertThat(plan.check(track("E", "{\"code\": \"" + "a".repeat(32 * 1024) + "\"}"))).isEmpty();
        // a pattern matches anywhere in the string, as JSON Schema says
        assertThat(compiler.compile(plan(Map.of("E", json("{\"properties\": {\"c\": {\"pattern\": \"b+\"}}}")),
                Mode.allow, Mode.block)).check(track("E", "{\"c\": \"abba\"}"))).isEmpty();
    }

    @Test
    void shouldRefusePatternsTheLinearTimeEngineCannotRunWithAPointerToEach() { // issue 10
        CdpException refused = refuse(plan(Map.of("E", json("""
                {"properties": {"twice": {"pattern": "(a)\\\\1"},
                                "pattern": {"type": "string"},
                                "deep": {"items": {"anyOf": [{"pattern": "^(?=x)"}]}}},
                 "patternProperties": {"(?<=a)b": true},
                 "$defs": {"d": {"pattern": "(?!no)"}}}""")), Mode.allow, Mode.allow));

        assertThat(errorPaths(refused)).containsExactlyInAnyOrder("/events/E/properties/twice/pattern",
                "/events/E/properties/deep/items/anyOf/0/pattern", "/events/E/patternProperties/(?<=a)b",
                "/events/E/$defs/d/pattern");
        assertThat(errorMessages(refused)).allSatisfy(message -> assertThat(message)
                .startsWith("The pattern cannot be used").contains("no backreferences"));
        assertThat(errorPaths(refuse(plan(Map.of("E", json("{\"pattern\": \"([a-\"}")), Mode.allow, Mode.allow))))
                .containsExactly("/events/E/pattern");
    }

    @Test
    void shouldBoundTheWorkOfCheckingOneEvent() {
        CompiledTrackingPlan plan = new TrackingPlanCompiler(50).compile(plan(Map.of("E", json(
                "{\"properties\": {\"items\": {\"type\": \"array\", \"items\": {\"type\": \"integer\"}}}}")),
                Mode.allow, Mode.block));
        String items = "[" + "1,".repeat(500) + "1]";

        Violation violation = plan.check(track("E", "{\"items\": " + items + "}")).orElseThrow();

        assertThat(violation.code()).isEqualTo("schema_evaluation_limit");
        assertThat(violation.blocked()).isTrue();
    }

    @Test
    void shouldRefuseAPatternOverTheLengthLimitWithAPointerToIt() { // issue 16, found by fuzzing
        String limit = "a".repeat(LinearTimePatterns.MAX_PATTERN_LENGTH);
        String over = limit + "a";

        CdpException refused = refuse(plan(Map.of("E", json("{\"properties\": {\"a\": {\"pattern\": \"" + over
                + "\"}}, \"patternProperties\": {\"" + over + "\": true}}")), Mode.allow, Mode.allow));

        assertThat(errorPaths(refused)).containsExactlyInAnyOrder("/events/E/properties/a/pattern",
                "/events/E/patternProperties/" + over);
        assertThat(errorMessages(refused)).allSatisfy(message -> assertThat(message)
                .isEqualTo("The pattern has 1001 characters; a pattern may have at most 1000."));
        assertThat(compiler.compile(plan(Map.of("E", json("{\"properties\": {\"a\": {\"pattern\": \"" + limit
                + "\"}}}")), Mode.allow, Mode.allow)).check(track("E", "{\"a\": \"" + limit + "\"}"))).isEmpty();
    }

    @Test
    void shouldNotCompileAFormatRegexValueOverThePatternLengthLimit() { // issue 16, found by fuzzing
        CompiledTrackingPlan plan = compiler.compile(plan(Map.of("E", json(
                "{\"properties\": {\"re\": {\"type\": \"string\", \"format\": \"regex\"}}}")), Mode.allow, Mode.block));

        Violation violation = plan.check(track("E", "{\"re\": \"" + "a".repeat(32 * 1024) + "\"}")).orElseThrow();

        assertThat(violation.code()).isEqualTo("schema_violation");
        assertThat(violation.reasons()).extracting(reason -> reason.path()).containsExactly("/properties/re");
        assertThat(plan.check(track("E", "{\"re\": \"^[a-z]+$\"}"))).isEmpty();
    }

    @Test
    void shouldRefuseASchemaDeeperThanTheLimitBeforeCheckingItAgainstItsMetaSchema() { // issue 16
        String deep = "{\"not\": ".repeat(480) + "{}" + "}".repeat(480);
        int levels = SchemaLimits.MAX_DEPTH - 1; // the innermost {} is the 64th level

        JsonNode asSpringReadsIt = JsonMapper.builder().build().readTree(deep); // up to 500 levels

        CdpException refused = onRequestThreadStack(() -> refuse(plan(Map.of("E", asSpringReadsIt), Mode.allow,
                Mode.allow)));

        assertThat(errorPaths(refused)).containsExactly("/events/E" + "/not".repeat(SchemaLimits.MAX_DEPTH));
        assertThat(errorMessages(refused)).containsExactly("A schema may nest at most 64 levels deep.");
        String deepest = "{\"not\": ".repeat(levels) + "{}" + "}".repeat(levels);
        CompiledTrackingPlan plan = onRequestThreadStack(() -> compiler.compile(plan(Map.of("E", json(deepest)),
                Mode.allow, Mode.block)));
        assertThat(onRequestThreadStack(() -> plan.check(track("E", "{}")))).isPresent();
    }

    @Test
    void shouldRefuseACountOutOfTheLongRangeWithAPointerToIt() { // issue 16, found by fuzzing
        CdpException refused = refuse(plan(Map.of("E", json(
                "{\"minItems\": 1e300, \"properties\": {\"a\": {\"maxLength\": 99999999999999999999}}}")),
                Mode.allow, Mode.allow));

        assertThat(errorPaths(refused)).containsExactlyInAnyOrder("/events/E/minItems",
                "/events/E/properties/a/maxLength");
        assertThat(errorMessages(refused)).contains("'minItems' must be a whole number from 0 to 9223372036854775807.");
        assertThat(errorPaths(refuse(plan(Map.of("E", json("{\"minItems\": 1.5}")), Mode.allow, Mode.allow))))
                .containsExactly("/events/E/minItems");
    }

    @Test
    void shouldRefuseReferenceCyclesThatCheckNoDeeperValueWithAPointerToTheReference() { // issue 16, found by fuzzing
        assertThat(errorPaths(refuse(plan(Map.of("E", json(
                "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}")),
                Mode.allow, Mode.allow)))).containsExactly("/events/E/$defs/b/$ref");
        assertThat(errorPaths(refuse(plan(Map.of("E", json("{\"allOf\": [{\"$ref\": \"#\"}]}")), Mode.allow,
                Mode.allow)))).containsExactly("/events/E/allOf/0/$ref");
        CdpException anchors = refuse(new TrackingPlan(Map.of(), json(
                "{\"$defs\": {\"x\": {\"$anchor\": \"x\", \"anyOf\": [{\"not\": {\"$ref\": \"#x\"}}]}}, \"$ref\": \"#x\"}"),
                null, Mode.allow, Mode.allow));
        assertThat(errorPaths(anchors)).containsExactly("/identify/$defs/x/anyOf/0/not/$ref");
        assertThat(errorMessages(anchors).getFirst()).contains("leads back to '#/$defs/x'");
        // a recursive schema that checks a deeper value each time ends with the event
        CompiledTrackingPlan tree = compiler.compile(plan(Map.of("E", json(
                "{\"properties\": {\"name\": {\"type\": \"string\"}, \"children\": {\"items\": {\"$ref\": \"#\"}}}}")),
                Mode.allow, Mode.block));
        assertThat(tree.check(track("E", "{\"children\": [{\"children\": [{\"name\": 1}]}]}")).orElseThrow()
                .reasons()).extracting(reason -> reason.path()).containsExactly("/properties/children/0/children/0/name");
    }

    @Test
    void shouldEndACheckThatRecursesWithoutEndAtTheDepthLimitNotInAStackOverflow() { // issue 16
        // a cycle through embedded resources' $ids, which ReferenceCycles does not follow
        CompiledTrackingPlan plan = compiler.compile(plan(Map.of("E", json("""
                {"$defs": {"a": {"$id": "https://opencdp.test/a", "$ref": "https://opencdp.test/b"},
                           "b": {"$id": "https://opencdp.test/b", "$ref": "https://opencdp.test/a"}},
                 "$ref": "https://opencdp.test/a"}""")), Mode.allow, Mode.block));

        Violation violation = onRequestThreadStack(() -> plan.check(track("E", "{}"))).orElseThrow();

        assertThat(violation.code()).isEqualTo("schema_evaluation_limit");
        assertThat(violation.blocked()).isTrue();
        assertThat(violation.reasons().getFirst().message()).isEqualTo("The event's schema nests too deeply to check it.");
        assertThat(violation.reasons().getFirst().path()).isEqualTo("/properties");
        // a legitimate recursion to the full depth an event may have stays within the limit
        CompiledTrackingPlan recursive = compiler.compile(plan(Map.of("E", json(
                "{\"additionalProperties\": {\"$ref\": \"#\"}}")), Mode.allow, Mode.block));
        int levels = 61;
        assertThat(onRequestThreadStack(() -> recursive.check(track("E", "{\"a\": ".repeat(levels) + "1"
                + "}".repeat(levels))))).isEmpty();
    }

    @Test
    void shouldRefuseTheNulCharacterAnywhereInASchemaWithItsPointer() { // issue 16, found by fuzzing
        CdpException refused = refuse(new TrackingPlan(Map.of("E", json(
                "{\"properties\": {\"a\": {\"const\": \"x\\u0000\"}}}")), null,
                json("{\"properties\": {\"a\\u0000b\": true}}"), Mode.allow, Mode.allow));

        assertThat(errorPaths(refused)).containsExactlyInAnyOrder("/events/E/properties/a/const",
                "/group/properties/a\\u0000b");
        assertThat(errorMessages(refused)).allSatisfy(message -> assertThat(message).contains("U+0000"));
        assertThat(errorPaths(refuse(plan(Map.of("E\u0000", json("true")), Mode.allow, Mode.allow))))
                .containsExactly("/events/E\\u0000");
    }

    /** Runs {@code action} on a thread with the stack of a request thread (the JVM's default on x64 Linux: 1 MB). */
    private static <T> T onRequestThreadStack(Callable<T> action) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(action.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "request-sized-stack", 1024 * 1024);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) {
            throw new AssertionError("failed on a request-sized stack", failure.get());
        }
        return result.get();
    }

    private CdpException refuse(TrackingPlan plan) {
        CdpException refused = catchThrowableOfType(CdpException.class, () -> compiler.compile(plan));
        assertThat(refused).isNotNull();
        return refused;
    }

    @SuppressWarnings("unchecked")
    private static List<String> errorMessages(CdpException refused) {
        return ((List<InvalidField>) refused.properties().get("errors")).stream().map(InvalidField::message).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> errorPaths(CdpException refused) {
        return ((List<InvalidField>) refused.properties().get("errors")).stream()
                .map(InvalidField::pointer).distinct().toList();
    }

    private static TrackingPlan plan(Map<String, JsonNode> events, Mode unplanned, Mode invalid) {
        return new TrackingPlan(events, null, null, unplanned, invalid);
    }

    private static SegmentEvent track(String name, String properties) {
        return new SegmentEvent(EventType.track, "m1", "u1", null, name, null, null, null, null, Instant.EPOCH,
                null, null, Instant.EPOCH, null, properties == null ? null : (ObjectNode) json(properties), null,
                null);
    }

    private static SegmentEvent event(EventType type, ObjectNode properties, JsonNode traits) {
        return new SegmentEvent(type, "m1", "u1", null, null, null, null, null, "g1", Instant.EPOCH, null, null,
                Instant.EPOCH, null, properties, (ObjectNode) traits, null);
    }

    private static JsonNode json(String text) {
        return MessageCodec.mapper().readTree(text);
    }
}
