package org.opencdp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.fuzz.Outcomes.assertDocumentedRefusal;
import static org.opencdp.fuzz.Outcomes.assertStorable;
import static org.opencdp.fuzz.Outcomes.expect;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.SqlParameters;
import org.opencdp.segmentation.condition.And;
import org.opencdp.segmentation.condition.ComputedTraitCondition;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.condition.ConditionException;
import org.opencdp.segmentation.condition.ConditionParser;
import org.opencdp.segmentation.condition.ConditionSql;
import org.opencdp.segmentation.condition.ConditionWriter;
import org.opencdp.segmentation.condition.EventCondition;
import org.opencdp.segmentation.condition.Not;
import org.opencdp.segmentation.condition.Or;
import org.opencdp.segmentation.condition.ProfileFacts;
import org.opencdp.segmentation.condition.SegmentCondition;
import org.opencdp.segmentation.condition.TraitCondition;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16: the segment condition parser (segmentation's {@link ConditionParser}, its {@code trait} and
 * {@code computedTrait} leaves and {@code event} nodes' {@code where} read by cdp-conditions' {@code LeafParser}), from the bytes of the
 * {@code condition} a {@code POST /v1/segments} or preview body holds. Whatever the bytes:
 * <ul>
 *   <li>Spring refuses the JSON ({@code malformed_body}), or the parser refuses the condition with
 *       400 {@code invalid_condition}, every error a pointer under
 *       {@code /condition};</li>
 *   <li>or the accepted condition can be stored (its canonical JSON in a jsonb column) and reads back
 *       from there to an equal condition; its SQL binds every value from the condition (none appears
 *       in the SQL text, each can be bound as PostgreSQL text); and evaluating it in memory answers
 *       for any profile ("never throws for any values", {@link ConditionEvaluator}).</li>
 * </ul>
 * Never another exception, a hang, a stack overflow or an out-of-memory error.
 */
class SegmentConditionFuzzTest {

    private static final String POINTER = "/condition";
    private static final Set<String> CONDITION_CODES = Set.of(ConditionException.INVALID);
    /** Trait values each accepted condition is evaluated against, at every path it reads. */
    private static final List<JsonNode> TRAIT_VALUES = Stream.of("null", "0", "-0.0", "1e308", "42", "\"42\"", "\"1e3\"",
                    "\"\"", "\"2024-02-29\"", "\"2024-02-29T10:00:00.123456789+14:59\"", "\"0001-01-01\"", "true",
                    "[1, \"a\", true, null, [2]]", "{\"a\": {\"b\": 1}}", "\"" + "x".repeat(10_000) + "\"",
                    "\"\\u0000\"", "\"\\ud800\"", "123456789012345678901234567890.5e-3")
            .map(json -> RequestBodies.SPRING_MAPPER.readTree(json)).toList();

    /**
     * The SQL text every operator and kind of value can produce. A string of the condition with a quote
     * or a semicolon found in a condition's SQL must come from here (a member named {@code '} is in
     * {@code 'null'}), or it reached the SQL text instead of a bind parameter.
     */
    private static final String SQL_VOCABULARY = Stream.of(TraitCondition.PATH_MEMBER, ComputedTraitCondition.PATH_MEMBER)
            .flatMap(member -> ReferenceLeaves.json(member).stream())
            .map(leaf -> ConditionSql.of(new ConditionParser().parse(RequestBodies.SPRING_MAPPER.readTree(
                    "{\"or\": [" + leaf + ", {\"segment\": \"s\"}, {\"not\": {\"and\": [" + leaf + "]}}]}")),
                    SqlParameters.positional()))
            .collect(Collectors.joining("\n"));

    private final ConditionParser parser = new ConditionParser();
    private final ConditionWriter writer = new ConditionWriter();
    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    @DictionaryEntries({"{\"and\":[", "{\"or\":[", "{\"not\":", "{\"trait\":", "{\"computedTrait\":",
            "{\"segment\":", "{\"event\":", "\"op\":", "\"value\":", "\"eq\"", "\"neq\"", "\"gt\"", "\"gte\"",
            "\"lt\"", "\"lte\"", "\"in\"", "\"not_in\"", "\"contains\"", "\"starts_with\"", "\"ends_with\"",
            "\"exists\"", "\"not_exists\"", "\"between\"", "\"2024-02-29T10:00:00Z\"", "\\\\.", "\\u0000",
            "1e999", "-0", "null", "true"})
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void segmentCondition(byte[] body) {
        answer(body);
    }

    /** The known-nasty inputs too large to seed the fuzzer ({@link NastyInputs#huge}), replayed in every build. */
    @ParameterizedTest
    @MethodSource("hugeInputs")
    void shouldAnswerHugeInputsAsDocumented(byte[] body) {
        answer(body);
    }

    @Test
    void shouldAcceptValidConditionsSoTheFuzzTestChecksTheirStoredFormSqlAndEvaluation() {
        assertThat(answer(NastyInputs.utf8("{\"and\":[{\"trait\":\"plan\",\"op\":\"in\",\"value\":[\"pro\",\"team\"]},"
                + "{\"not\":{\"computedTrait\":\"ltv\",\"op\":\"between\",\"value\":[0,99.5]}},"
                + "{\"or\":[{\"segment\":\"s1\"},{\"trait\":\"utm\\\\.source.x\",\"op\":\"exists\"}]}]}")))
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(answer(NastyInputs.utf8("{\"event\":\"Order Completed\",\"where\":[{\"property\":\"total\","
                + "\"op\":\"gte\",\"value\":50}],\"count\":{\"op\":\"gte\",\"value\":3},\"within\":\"P30D\"}")))
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void shouldRefuseInvalidConditions() {
        assertThat(answer(NastyInputs.utf8("{\"and\":[]}"))).isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("{\"event\":\"Order Completed\",\"within\":\"P1M\"}"))).isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("{\"trait\":\"a..b\",\"op\":\"eq\",\"value\":1}"))).isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("{\"not\":".repeat(21) + "{\"segment\":\"s\"}" + "}".repeat(21))))
                .isEqualTo(Outcome.REFUSED);
    }

    private Outcome answer(byte[] body) {
        Optional<JsonNode> json = RequestBodies.readTree(body);
        if (json.isEmpty()) {
            return Outcome.REFUSED; // 400 malformed_body
        }
        Condition condition;
        try {
            condition = parser.parse(json.get(), POINTER);
        } catch (ConditionException refused) {
            assertDocumentedRefusal(refused, CONDITION_CODES, POINTER);
            expect(refused.path().startsWith(POINTER), () -> "the error path " + refused.path() + " is outside the condition", refused);
            return Outcome.REFUSED;
        }
        JsonNode canonical = writer.toJson(condition);
        String nul = Outcomes.nulPath(canonical);
        expect(nul == null, () -> "an accepted condition holds U+0000 at " + nul, null);
        Condition reloaded;
        try {
            reloaded = parser.parse(RequestBodies.SPRING_MAPPER.readTree(canonical.toString()));
        } catch (ConditionException e) {
            reloaded = null;
        }
        boolean readsBack = condition.equals(reloaded);
        String other = reloaded == null ? "an invalid one" : "another one";
        expect(readsBack, () -> "the stored condition reads back as " + other, null);

        SqlParameters.Positional parameters = SqlParameters.positional();
        String sql = ConditionSql.of(condition, parameters);
        expect(sql.chars().filter(c -> c == '?').count() == parameters.values().size(),
                () -> "placeholders and bound values differ in number: " + sql, null);
        for (Object value : parameters.values()) {
            if (value instanceof String text) {
                assertStorable(text, "a bound parameter");
            }
        }
        for (String text : strings(condition)) {
            expect(!sql.contains(text) || SQL_VOCABULARY.contains(text) || text.chars().noneMatch(c -> c == '\'' || c == ';'),
                    () -> "a value of the condition appears in its SQL: " + text, null);
        }
        evaluator.reads(condition);
        evaluator.references(condition);
        for (ProfileFacts profile : profiles(condition)) {
            evaluator.matches(condition, profile);
        }
        return Outcome.ACCEPTED;
    }

    /** Every string the condition holds: path members, values, segment ids. */
    private static List<String> strings(Condition condition) {
        List<String> strings = new ArrayList<>();
        collect(condition, strings);
        return strings;
    }

    private static void collect(Condition condition, List<String> strings) {
        switch (condition) {
            case And and -> and.conditions().forEach(c -> collect(c, strings));
            case Or or -> or.conditions().forEach(c -> collect(c, strings));
            case Not not -> collect(not.condition(), strings);
            case TraitCondition trait -> leafStrings(trait.leaf(), strings);
            case ComputedTraitCondition computed -> leafStrings(computed.leaf(), strings);
            case SegmentCondition segment -> strings.add(segment.segmentId());
            case EventCondition event -> {
                strings.add(event.event());
                event.where().forEach(leaf -> leafStrings(leaf, strings));
            }
        }
    }

    private static void leafStrings(Leaf leaf, List<String> strings) {
        strings.addAll(leaf.path().segments());
        if (leaf.value() != null) {
            (leaf.value().isArray() ? leaf.value().valueStream() : Stream.of(leaf.value()))
                    .filter(JsonNode::isString).forEach(value -> strings.add(value.stringValue()));
        }
    }

    /**
     * Profiles with, at every path the condition reads, each of {@link #TRAIT_VALUES} and the value
     * the leaf itself compares with; members of every segment it names, and of none.
     */
    private static List<ProfileFacts> profiles(Condition condition) {
        List<Leaf> leaves = new ArrayList<>();
        leaves(condition, leaves);
        List<JsonNode> values = new ArrayList<>(TRAIT_VALUES);
        leaves.stream().map(Leaf::value).filter(v -> v != null).limit(10).forEach(values::add);
        Set<String> segments = Set.copyOf(new ConditionEvaluator().reads(condition).segments());
        List<ProfileFacts> profiles = new ArrayList<>();
        profiles.add(new ProfileFacts(Map.of(), Map.of(), Set.of()));
        for (JsonNode value : values) {
            Map<String, JsonNode> traits = new HashMap<>();
            for (Leaf leaf : leaves) {
                traits.put(leaf.path().first(), nest(leaf.path().segments(), value));
            }
            profiles.add(new ProfileFacts(traits, traits, segments));
        }
        return profiles;
    }

    private static void leaves(Condition condition, List<Leaf> leaves) {
        switch (condition) {
            case And and -> and.conditions().forEach(c -> leaves(c, leaves));
            case Or or -> or.conditions().forEach(c -> leaves(c, leaves));
            case Not not -> leaves(not.condition(), leaves);
            case TraitCondition trait -> leaves.add(trait.leaf());
            case ComputedTraitCondition computed -> leaves.add(computed.leaf());
            case SegmentCondition segment -> {
            }
            // reads its hidden computed trait, which no generated profile has: a count of 0
            case EventCondition event -> {
            }
        }
    }

    /** {@code value} under the members {@code segments[1..]} (the first is the trait itself). */
    private static JsonNode nest(List<String> segments, JsonNode value) {
        JsonNode node = value;
        for (int i = segments.size() - 1; i >= 1; i--) {
            node = RequestBodies.SPRING_MAPPER.createObjectNode().set(segments.get(i), node);
        }
        return node;
    }

    static Stream<Arguments> seeds() {
        return NastyInputs.seeds(nastyConditions());
    }

    static Stream<Arguments> hugeInputs() {
        return NastyInputs.huge(nastyConditions());
    }

    /** The known-nasty inputs (issue 16) in the shape this target reads. */
    private static Stream<Named<byte[]>> nastyConditions() {
        String nested = "{\"not\":".repeat(30) + "{\"trait\":\"a\",\"op\":\"exists\"}" + "}".repeat(30);
        String wide = "{\"or\":[" + String.join(",", Collections.nCopies(20_000,
                "{\"trait\":\"a\",\"op\":\"eq\",\"value\":1}")) + "]}";
        return Stream.concat(Stream.of(
                        Named.of("30 nested not", NastyInputs.utf8(nested)),
                        Named.of("20,000 leaves", NastyInputs.utf8(wide)),
                        Named.of("event node", NastyInputs.utf8("{\"event\":\"Order\"}")),
                        Named.of("two kinds", NastyInputs.utf8("{\"and\":[],\"or\":[]}"))),
                NastyInputs.inShapes(
                        "{\"and\":[{\"trait\":$n,\"op\":\"eq\",\"value\":$v},{\"not\":{\"segment\":$v}}]}",
                        "{\"or\":[{\"computedTrait\":$n,\"op\":\"between\",\"value\":[$v,$v]},"
                                + "{\"trait\":\"a\",\"op\":\"in\",\"value\":[$v]}]}",
                        "{\"trait\":\"a.b\",\"op\":$v,\"value\":$v,$n:1}",
                        "{\"trait\":$n,\"op\":\"contains\",\"value\":$v}",
                        "{\"not\":{\"trait\":$n,\"op\":\"starts_with\",\"value\":$v}}",
                        "{\"computedTrait\":\"ltv\",\"op\":\"gte\",\"value\":$v}"));
    }
}
