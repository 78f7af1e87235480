package org.opencdp.ingestion.trackingplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.fuzz.Outcomes.assertDocumentedRefusal;
import static org.opencdp.fuzz.Outcomes.assertPointer;
import static org.opencdp.fuzz.Outcomes.expect;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.fuzz.NastyInputs;
import org.opencdp.fuzz.Outcome;
import org.opencdp.fuzz.Outcomes;
import org.opencdp.fuzz.RequestBodies;
import org.opencdp.ingestion.trackingplan.TrackingPlanApi.TrackingPlanRequest;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 16: tracking-plan compilation, from the bytes of a {@code PUT /v1/sources/{id}/tracking-plan}
 * body to checking events against the compiled plan. Whatever the bytes:
 * <ul>
 *   <li>the body is refused as Spring refuses one ({@code malformed_body}, {@code validation_failed}), or
 *       the plan with 400 {@code invalid_tracking_plan}, every error a pointer into the body;</li>
 *   <li>or the plan compiles, can be stored (jsonb), and what is stored compiles again when {@link
 *       TrackingPlans} loads it: the plan a source was promised is the plan applied;</li>
 *   <li>and checking any event against it answers (a violation or none), every reason a pointer
 *       into the event.</li>
 * </ul>
 * Never another exception, a hang, a stack overflow or an out-of-memory error.
 *
 * <p>Lives in the package of the code it fuzzes, whose compiler and request record are package-private.
 */
class TrackingPlanFuzzTest {

    private static final Set<String> PLAN_CODES = Set.of("invalid_tracking_plan");
    private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");
    /** Properties and traits every compiled plan checks, besides each schema read as an instance of itself. */
    private static final List<String> INSTANCES = List.of("{}", "{\"total\": 19.9, \"currency\": \"EUR\"}",
            "{\"a\": [1, \"x\", null, {\"b\": [[[]]]}], \"e\": \"not-an-address\", \"n\": 1e308, \"s\": \"\\u0000\"}",
            "{\"email\": \"a@b.co\", \"date\": \"2024-02-30\", \"uri\": \"http://[::1\", \"ipv4\": \"999.1.1.1\"}");

    private final TrackingPlanCompiler compiler = new TrackingPlanCompiler();

    @DictionaryEntries({"\"events\":{", "\"identify\":", "\"group\":", "\"unplannedEvents\":\"block\"",
            "\"invalidEvents\":\"allow\"", "\"type\":", "\"object\"", "\"string\"", "\"properties\":{",
            "\"required\":[", "\"additionalProperties\":", "\"patternProperties\":{", "\"pattern\":", "\"format\":",
            "\"regex\"", "\"email\"", "\"$ref\":\"#", "\"$defs\":{", "\"$schema\":", "\"allOf\":[", "\"anyOf\":[",
            "\"oneOf\":[", "\"not\":", "\"if\":", "\"then\":", "\"items\":", "\"prefixItems\":[", "\"contains\":",
            "\"enum\":[", "\"const\":", "\"minimum\":", "\"multipleOf\":", "\"maxLength\":", "\"minItems\":",
            "\"uniqueItems\":true", "\"dependentSchemas\":{", "\"unevaluatedProperties\":false",
            "\"http://json-schema.org/draft-04/schema#\"", "1e999", "\\u0000"})
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void trackingPlan(byte[] body) {
        answer(body);
    }

    /** The known-nasty inputs too large to seed the fuzzer ({@link NastyInputs#huge}), replayed in every build. */
    @ParameterizedTest
    @MethodSource("hugeInputs")
    void shouldAnswerHugeInputsAsDocumented(byte[] body) {
        answer(body);
    }

    @Test
    void shouldCompileAndCheckAValidPlanSoTheFuzzTestChecksWhatIsStored() {
        assertThat(answer(NastyInputs.utf8("{\"events\":{\"Order Completed\":{\"type\":\"object\",\"required\":[\"total\"],"
                + "\"properties\":{\"total\":{\"type\":\"number\",\"minimum\":0},\"email\":{\"format\":\"email\"},"
                + "\"sku\":{\"pattern\":\"^[A-Z]{3}-[0-9]+$\"}}}},\"identify\":{\"required\":[\"email\"]},"
                + "\"unplannedEvents\":\"block\"}"))).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void shouldRefuseInvalidPlans() {
        assertThat(answer(NastyInputs.utf8("{\"events\":{\"E\":{\"type\":\"nope\"}}}"))).isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("{\"events\":{\"E\":{\"pattern\":\"(a)\\\\1\"}}}"))).isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("{\"unplannedEvents\":\"drop\"}"))).isEqualTo(Outcome.REFUSED);
    }

    private Outcome answer(byte[] body) {
        Optional<TrackingPlanRequest> request = RequestBodies.read(body, TrackingPlanRequest.class);
        if (request.isEmpty()) {
            return Outcome.REFUSED; // 400 malformed_body or validation_failed
        }
        TrackingPlan plan = request.get().toPlan();
        CompiledTrackingPlan compiled;
        try {
            compiled = compiler.compile(plan);
        } catch (CdpException refused) {
            assertDocumentedRefusal(refused, PLAN_CODES, "");
            for (Object error : (List<?>) refused.properties().get("errors")) {
                String pointer = ((InvalidField) error).pointer();
                expect(pointer.startsWith("/events") || pointer.startsWith("/identify") || pointer.startsWith("/group"),
                        () -> "an error outside the plan's schemas: " + pointer, refused);
            }
            return Outcome.REFUSED;
        }
        ObjectNode stored = plan.toJson();
        String nul = Outcomes.nulPath(stored);
        expect(nul == null, () -> "an accepted tracking plan holds U+0000 at " + nul, null);
        TrackingPlan reloaded = TrackingPlan.fromJson(RequestBodies.SPRING_MAPPER.readTree(stored.toString()));
        try {
            compiler.compile(reloaded);
        } catch (CdpException e) {
            expect(false, () -> "an accepted plan no longer compiles once stored and loaded", e);
        }
        for (SegmentEvent event : events(plan)) {
            compiled.check(event).ifPresent(found -> {
                expect(!found.reasons().isEmpty(), () -> "a violation without a reason", null);
                for (Reason reason : found.reasons()) {
                    assertPointer(reason.path(), event.type() == EventType.track ? "" : "/traits");
                }
            });
        }
        return Outcome.ACCEPTED;
    }

    private static Stream<JsonNode> schemas(TrackingPlan plan) {
        return Stream.concat(plan.events().values().stream(), Stream.of(plan.identify(), plan.group()))
                .filter(schema -> schema != null);
    }

    /** A track event per planned name (a few), and identify and group calls, with each instance as properties or traits. */
    private static List<SegmentEvent> events(TrackingPlan plan) {
        List<ObjectNode> instances = new ArrayList<>();
        INSTANCES.forEach(json -> instances.add((ObjectNode) RequestBodies.SPRING_MAPPER.readTree(json)));
        schemas(plan).filter(schema -> schema instanceof ObjectNode && schema.toString().length() <= 8192).limit(3)
                .forEach(schema -> instances.add((ObjectNode) schema));
        List<SegmentEvent> events = new ArrayList<>();
        List<String> names = new ArrayList<>(plan.events().keySet().stream().limit(3).toList());
        names.add("Unplanned");
        for (ObjectNode instance : instances) {
            for (String name : names) {
                events.add(event(EventType.track, name, instance, null));
            }
            events.add(event(EventType.identify, null, null, instance));
            events.add(event(EventType.group, null, null, instance));
        }
        return events;
    }

    private static SegmentEvent event(EventType type, String name, ObjectNode properties, ObjectNode traits) {
        return new SegmentEvent(type, "m1", "u1", null, name, null, null, null, type == EventType.group ? "g1" : null,
                AT, AT, AT, AT, null, properties, traits, null);
    }

    static Stream<Arguments> seeds() {
        return NastyInputs.seeds(nastyPlans());
    }

    static Stream<Arguments> hugeInputs() {
        return NastyInputs.huge(nastyPlans());
    }

    /** The known-nasty inputs (issue 16) in the shape this target reads. */
    private static Stream<Named<byte[]>> nastyPlans() {
        String deepSchema = "{\"not\":".repeat(480) + "{}" + "}".repeat(480);
        String deepRefs = "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}";
        Stream<Named<byte[]>> schemas = Stream.of(
                Map.entry("480 nested not", deepSchema),
                Map.entry("$ref cycle", deepRefs),
                Map.entry("$ref to itself", "{\"properties\":{\"a\":{\"$ref\":\"#\"}}}"),
                Map.entry("remote $ref", "{\"$ref\":\"http://169.254.169.254/latest/meta-data/\"}"),
                Map.entry("file $ref", "{\"$ref\":\"file:///etc/passwd\"}"),
                Map.entry("classpath $ref", "{\"$ref\":\"classpath:application.yml\"}"),
                Map.entry("$id hijack", "{\"$id\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"string\"}"),
                Map.entry("ReDoS pattern", "{\"properties\":{\"a\":{\"pattern\":\"(a+)+$\"}}}"),
                Map.entry("backreference", "{\"patternProperties\":{\"(a)\\\\1\":{}}}"),
                Map.entry("huge multipleOf", "{\"properties\":{\"n\":{\"multipleOf\":1e-300}}}"),
                Map.entry("huge uniqueItems", "{\"uniqueItems\":true,\"minItems\":1e300,\"maxLength\":1e300}"),
                Map.entry("draft 4 exclusiveMinimum", "{\"$schema\":\"http://json-schema.org/draft-04/schema#\","
                        + "\"exclusiveMinimum\":true,\"minimum\":1}"),
                Map.entry("unknown dialect", "{\"$schema\":\"http://example.com/schema\"}"),
                Map.entry("format regex", "{\"format\":\"regex\"}"),
                Map.entry("dependencies", "{\"dependencies\":{\"a\":[\"b\"],\"c\":{\"pattern\":\"(?=x)\"}}}"))
                .map(entry -> Named.of(entry.getKey(), NastyInputs.utf8(
                        "{\"events\":{\"Order Completed\":" + entry.getValue() + "},\"identify\":" + entry.getValue()
                                + ",\"unplannedEvents\":\"block\"}")));
        return Stream.concat(schemas, NastyInputs.inShapes(
                "{\"events\":{$n:{\"type\":\"object\",\"properties\":{$n:{\"const\":$v,\"pattern\":$v}}}}}",
                "{\"events\":{\"E\":{\"properties\":{\"a\":{\"minimum\":$v,\"maxLength\":$v,\"multipleOf\":$v,"
                        + "\"enum\":[$v]}}}},\"identify\":$v,\"group\":{\"required\":[$n]}}",
                "{\"events\":{\"E\":{\"$schema\":$v,\"format\":$v,\"$ref\":$v}},\"unplannedEvents\":$v,"
                        + "\"invalidEvents\":$v}",
                "{\"events\":{\"E\":{\"patternProperties\":{$n:{\"type\":$v}},\"$defs\":{$n:$v}}},\"group\":{\"$ref\":$n}}"));
    }
}
