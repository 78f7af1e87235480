package org.opencdp.ingestion.trackingplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.ingestion.trackingplan.TrackingPlan.Mode;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;
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
