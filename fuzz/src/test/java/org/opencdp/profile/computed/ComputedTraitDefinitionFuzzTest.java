package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.fuzz.Outcomes.assertDocumentedRefusal;
import static org.opencdp.fuzz.Outcomes.assertStorable;
import static org.opencdp.fuzz.Outcomes.expect;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencdp.conditions.InvalidConditionException;
import org.opencdp.conditions.Leaf;
import org.opencdp.fuzz.NastyInputs;
import org.opencdp.fuzz.Outcome;
import org.opencdp.fuzz.Outcomes;
import org.opencdp.fuzz.ReferenceLeaves;
import org.opencdp.fuzz.RequestBodies;
import org.opencdp.kit.problem.CdpException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Issue 16: the computed-trait condition parser, from the bytes of a {@code POST /v1/computed-traits}
 * body: {@link DefinitionParser} and its {@code where} leaves (cdp-conditions' {@code LeafParser},
 * path member {@code property}). Whatever the bytes:
 * <ul>
 *   <li>Spring refuses the JSON ({@code malformed_body}), or the parser refuses the definition with 400
 *       {@code invalid_computed_trait}, every error a pointer into the body;</li>
 *   <li>or the accepted definition can be stored (its text columns and its {@code where} as jsonb) and
 *       its {@code where} reads back from there to equal leaves; its aggregate SQL can be built, every
 *       value bound and none in the SQL text; each leaf evaluates in memory on any property value.</li>
 * </ul>
 * Never another exception, a hang, a stack overflow or an out-of-memory error.
 *
 * <p>Lives in the package of the code it fuzzes, whose parser is package-private.
 */
class ComputedTraitDefinitionFuzzTest {

    private static final Set<String> CODES = Set.of(DefinitionParser.INVALID);
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    private static final List<JsonNode> PROPERTY_VALUES = Stream.of("null", "0", "1e308", "\"42\"", "\"\"",
                    "\"2024-02-29T00:00:00Z\"", "true", "[1, \"a\"]", "{\"a\": 1}", "\"\\u0000\"")
            .map(json -> RequestBodies.SPRING_MAPPER.readTree(json)).toList();

    /**
     * The SQL text every aggregation, operator and kind of value can produce. A string of the definition
     * with a quote or a semicolon found in its SQL must come from here (a value {@code "' "} is in
     * {@code 'track' AND}), or it reached the SQL text instead of a bind parameter.
     */
    private static final String SQL_VOCABULARY = Aggregation.names().stream().flatMap(aggregation ->
            ReferenceLeaves.json("property").stream().map(leaf -> DefinitionParser.parse("w", RequestBodies.SPRING_MAPPER
                    .readTree("{\"key\": \"k\", \"aggregation\": \"" + aggregation + "\", \"event\": \"e\", \"within\": \"P1D\""
                            + (aggregation.equals("count") ? "" : ", \"property\": \"a.b\"") + ", \"where\": [" + leaf + "]}"), NOW)))
            .flatMap(definition -> Stream.of(AggregateQuery.forProfiles(definition, List.of("p"), NOW).sql,
                    AggregateQuery.forProfiles(definition, List.of("p"), null).sql))
            .collect(Collectors.joining("\n"));

    @DictionaryEntries({"\"key\":", "\"name\":", "\"aggregation\":", "\"event\":", "\"property\":",
            "\"within\":", "\"where\":[", "\"count\"", "\"sum\"", "\"avg\"", "\"min\"", "\"max\"", "\"first\"",
            "\"last\"", "\"most_frequent\"", "\"unique_count\"", "\"P30D\"", "\"PT12H\"", "\"P2W\"", "\"op\":",
            "\"value\":", "\"eq\"", "\"in\"", "\"between\"", "\"exists\"", "\\\\.", "\\u0000", "1e999"})
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void computedTraitDefinition(byte[] body) {
        answer(body);
    }

    /** The known-nasty inputs too large to seed the fuzzer ({@link NastyInputs#huge}), replayed in every build. */
    @ParameterizedTest
    @MethodSource("hugeInputs")
    void shouldAnswerHugeInputsAsDocumented(byte[] body) {
        answer(body);
    }

    @Test
    void shouldAcceptValidDefinitionsSoTheFuzzTestChecksTheirStoredFormSqlAndEvaluation() {
        assertThat(answer(NastyInputs.utf8("{\"key\":\"ltv\",\"name\":\"Lifetime value\",\"aggregation\":\"sum\","
                + "\"event\":\"Order Completed\",\"property\":\"order.total\",\"within\":\"P30D\",\"where\":["
                + "{\"property\":\"currency\",\"op\":\"eq\",\"value\":\"EUR\"},{\"property\":\"coupon\",\"op\":\"not_exists\"}]}")))
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void shouldRefuseInvalidDefinitions() {
        assertThat(answer(NastyInputs.utf8("{\"key\":\"1x\",\"aggregation\":\"count\",\"event\":\"e\"}")))
                .isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("{\"key\":\"c\",\"aggregation\":\"count\",\"event\":\"e\",\"within\":\"P1M\"}")))
                .isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("{\"key\":\"c\",\"aggregation\":\"count\",\"event\":\"e\","
                + "\"where\":[{\"property\":\"a\",\"op\":\"gt\",\"value\":true}]}"))).isEqualTo(Outcome.REFUSED);
    }

    private Outcome answer(byte[] body) {
        Optional<JsonNode> json = RequestBodies.readTree(body);
        if (json.isEmpty()) {
            return Outcome.REFUSED; // 400 malformed_body
        }
        ComputedTraitDefinition definition;
        try {
            definition = DefinitionParser.parse("ws-fuzz", json.get(), NOW);
        } catch (CdpException refused) {
            assertDocumentedRefusal(refused, CODES, "");
            return Outcome.REFUSED;
        }
        ArrayNode where = RequestBodies.SPRING_MAPPER.createArrayNode();
        definition.where().forEach(leaf -> where.add(leaf.toJson("property")));
        boolean nul = Outcomes.nulPath(where) != null || Stream.of(definition.key(), definition.name(), definition.event(),
                definition.property(), definition.within()).anyMatch(text -> text != null && text.indexOf('\0') >= 0);
        expect(!nul, () -> "an accepted computed trait holds U+0000", null);
        JsonNode stored = RequestBodies.SPRING_MAPPER.readTree(RequestBodies.SPRING_MAPPER.writeValueAsString(where));
        for (int i = 0; i < definition.where().size(); i++) {
            Leaf accepted = definition.where().get(i);
            Leaf reloaded;
            try {
                reloaded = DefinitionParser.WHERE.parse(stored.get(i), "");
            } catch (InvalidConditionException e) {
                reloaded = null; // the stored definition is 'failed' from then on
            }
            Leaf readBack = reloaded;
            expect(accepted.equals(readBack), () -> "a stored where leaf " + accepted + " reads back as " + readBack, null);
        }

        AggregateQuery query = AggregateQuery.forProfiles(definition, List.of("p1"), NOW);
        for (String name : query.parameters.getParameterNames()) {
            if (query.parameters.getValue(name) instanceof String text) {
                assertStorable(text, "a bound parameter");
            }
        }
        for (Leaf leaf : definition.where()) {
            leafStrings(leaf).filter(text -> text.indexOf('\'') >= 0 || text.indexOf(';') >= 0).forEach(text ->
                    expect(!query.sql.contains(text) || SQL_VOCABULARY.contains(text),
                            () -> "a value of the definition appears in its SQL: " + text, null));
            for (JsonNode value : PROPERTY_VALUES) {
                leaf.matches(nest(leaf, value));
            }
        }
        return Outcome.ACCEPTED;
    }

    private static Stream<String> leafStrings(Leaf leaf) {
        Stream<JsonNode> values = leaf.value() == null ? Stream.empty()
                : leaf.value().isArray() ? leaf.value().valueStream() : Stream.of(leaf.value());
        return Stream.concat(leaf.path().segments().stream(), values.filter(JsonNode::isString).map(JsonNode::stringValue));
    }

    /** The properties object holding {@code value} at the leaf's path. */
    private static JsonNode nest(Leaf leaf, JsonNode value) {
        JsonNode node = value;
        List<String> segments = leaf.path().segments();
        for (int i = segments.size() - 1; i >= 0; i--) {
            node = RequestBodies.SPRING_MAPPER.createObjectNode().set(segments.get(i), node);
        }
        return node;
    }

    static Stream<Arguments> seeds() {
        return NastyInputs.seeds(nastyDefinitions());
    }

    static Stream<Arguments> hugeInputs() {
        return NastyInputs.huge(nastyDefinitions());
    }

    /** The known-nasty inputs (issue 16) in the shape this target reads. */
    private static Stream<Named<byte[]>> nastyDefinitions() {
        return NastyInputs.inShapes(
                "{\"key\":\"ltv\",\"aggregation\":\"sum\",\"event\":$v,\"property\":$n,"
                        + "\"where\":[{\"property\":$n,\"op\":\"eq\",\"value\":$v}]}",
                "{\"key\":$v,\"name\":$v,\"aggregation\":$v,\"event\":\"Order Completed\",\"within\":$v}",
                "{\"key\":\"c\",\"aggregation\":\"count\",\"event\":\"e\",\"within\":\"P30D\","
                        + "\"where\":[{\"property\":\"a\",\"op\":\"in\",\"value\":[$v]},{\"property\":$n,\"op\":\"exists\"}]}",
                "{\"key\":\"m\",\"aggregation\":\"most_frequent\",\"event\":\"e\",\"property\":$n,\"where\":$v}",
                "{\"key\":\"b\",\"aggregation\":\"max\",\"event\":\"e\",\"property\":\"p\","
                        + "\"where\":[{\"property\":\"p\",\"op\":\"between\",\"value\":[$v,$v]}]}");
    }
}
