package org.opencdp.segmentation.condition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class ConditionEvaluatorTest {

    private final ConditionParser parser = new ConditionParser();
    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    /** Trait value (JSON) | operator | condition value (JSON) | expected result. */
    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            "pro"                   | eq          | "pro"                     | true
            "pro"                   | eq          | "Pro"                     | false
            5                       | eq          | 5.0                       | true
            "5"                     | eq          | 5                         | true
            true                    | eq          | true                      | true
            true                    | eq          | false                     | false
            "2024-01-01T10:00:00Z"  | eq          | "2024-01-01T12:00:00+02:00" | true
            "pro"                   | neq         | "free"                    | true
            "pro"                   | neq         | "pro"                     | false
            10                      | gt          | 9.5                       | true
            10                      | gt          | 10                        | false
            "10"                    | gt          | 9                         | true
            "1e3"                   | gt          | 999                       | true
            10                      | gte         | 10                        | true
            9                       | gte         | 10                        | false
            -1                      | lt          | 0                         | true
            "b"                     | lt          | "c"                       | true
            "b"                     | lt          | "B"                       | false
            "apple"                 | lte         | "apple"                   | true
            "2024-06-01T00:00:00Z"  | gt          | "2024-05-31"              | true
            "2024-05-31"            | lt          | "2024-05-31T00:00:01Z"    | true
            "2024-05-31T23:00:00-02:00" | gt      | "2024-06-01T00:00:00Z"    | true
            "pro"                   | in          | ["free", "pro"]           | true
            "basic"                 | in          | ["free", "pro"]           | false
            3                       | in          | [1, 2, 3]                 | true
            "basic"                 | not_in      | ["free", "pro"]           | true
            "pro"                   | not_in      | ["free", "pro"]           | false
            "jane@gmail.com"        | contains    | "gmail"                   | true
            "jane@gmail.com"        | contains    | "yahoo"                   | false
            ["a", "b"]              | contains    | "b"                       | true
            [1, 2]                  | contains    | 2                         | true
            ["a", "b"]              | contains    | "c"                       | false
            "+33612345678"          | starts_with | "+33"                     | true
            "+44612345678"          | starts_with | "+33"                     | false
            "jane@example.fr"       | ends_with   | ".fr"                     | true
            "jane@example.com"      | ends_with   | ".fr"                     | false
            25                      | between     | [18, 30]                  | true
            18                      | between     | [18, 30]                  | true
            30                      | between     | [18, 30]                  | true
            31                      | between     | [18, 30]                  | false
            "2024-03-15T08:00:00Z"  | between     | ["2024-01-01", "2024-12-31"] | true
            "2025-01-01T00:00:00Z"  | between     | ["2024-01-01", "2024-12-31"] | false
            "m"                     | between     | ["a", "n"]                | true
            "pro"                   | exists      |                           | true
            "pro"                   | not_exists  |                           | false
            """)
    void shouldEvaluateEveryOperator(String trait, String op, String value, boolean expected) {
        assertThat(evaluate(trait, op, value)).isEqualTo(expected);
    }

    /** A trait of a type the operator cannot compare with makes the operator false, never an error. */
    @ParameterizedTest(name = "{0} {1} {2} -> false")
    @CsvSource(delimiter = '|', textBlock = """
            "pro"                  | eq          | 5
            5                      | eq          | "5"
            true                   | eq          | "true"
            "pro"                  | neq         | 5
            {"a": 1}               | neq         | "x"
            "pro"                  | gt          | 5
            "12abc"                | gt          | 5
            " 12"                  | gt          | 5
            true                   | gte         | 1
            ["a"]                  | lt          | "b"
            5                      | lt          | "9"
            "not a date"           | gt          | "2024-01-01"
            1717200000             | gt          | "2024-01-01"
            "2024-01-01T10:00:00"  | gt          | "2023-01-01T00:00:00Z"
            5                      | in          | ["5", "6"]
            5                      | not_in      | ["a", "b"]
            ["pro"]                | in          | ["pro"]
            5                      | contains    | "5"
            {"k": "v"}             | contains    | "v"
            "pro"                  | contains    | 5
            5                      | starts_with | "5"
            ["+33"]                | ends_with   | "3"
            "25"                   | between     | ["a", "z"]
            true                   | between     | [0, 1]
            "x"                    | between     | [1, 10]
            """)
    void shouldTreatTypeMismatchesAsFalse(String trait, String op, String value) {
        assertThat(evaluate(trait, op, value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eq", "neq", "gt", "lt", "in", "not_in", "contains", "starts_with", "between", "exists"})
    void shouldBeFalseForAMissingOrNullTraitExceptNotExists(String op) {
        String value = switch (op) {
            case "in", "not_in" -> "[\"a\"]";
            case "between" -> "[\"a\", \"b\"]";
            case "exists" -> null;
            default -> "\"a\"";
        };
        Condition condition = trait(op, value);

        assertThat(evaluator.matches(condition, Map.of())).isFalse();
        assertThat(evaluator.matches(condition, withNull("t"))).isFalse();
        assertThat(evaluator.matches(new Not(condition), Map.of())).isTrue();
    }

    @Test
    void shouldMatchNotExistsForAMissingOrNullTrait() {
        Condition condition = trait("not_exists", null);

        assertThat(evaluator.matches(condition, Map.of())).isTrue();
        assertThat(evaluator.matches(condition, withNull("t"))).isTrue();
        assertThat(evaluator.matches(condition, Map.of("t", json("0")))).isFalse();
    }

    @Test
    void shouldCombineWithAndOrNot() {
        Condition condition = parser.parse(json("""
                {"and": [{"trait": "plan", "op": "eq", "value": "pro"},
                         {"or": [{"trait": "age", "op": "gte", "value": 18}, {"trait": "vip", "op": "eq", "value": true}]},
                         {"not": {"trait": "country", "op": "in", "value": ["FR"]}}]}"""));

        assertThat(evaluator.matches(condition, traits("{\"plan\": \"pro\", \"age\": 20, \"country\": \"DE\"}"))).isTrue();
        assertThat(evaluator.matches(condition, traits("{\"plan\": \"pro\", \"age\": 16, \"vip\": true}"))).isTrue();
        assertThat(evaluator.matches(condition, traits("{\"plan\": \"pro\", \"age\": 16}"))).isFalse();
        assertThat(evaluator.matches(condition, traits("{\"plan\": \"pro\", \"age\": 20, \"country\": \"FR\"}"))).isFalse();
        assertThat(evaluator.matches(condition, traits("{\"plan\": \"free\", \"age\": 20}"))).isFalse();
    }

    @Test
    void shouldCompareStringsByCodePointLikeCollateC() {
        // U+1F600 (a surrogate pair in UTF-16) sorts after U+FFFD by code point, before it by UTF-16 unit
        assertThat(evaluate("\"\\uD83D\\uDE00\"", "gt", "\"\\uFFFD\"")).isTrue();
        assertThat(evaluate("\"ab\"", "gt", "\"a\"")).isTrue();
        assertThat(evaluate("\"a\"", "lt", "\"ab\"")).isTrue();
    }

    @Test
    void shouldCompareNumbersExactly() {
        assertThat(evaluate("0.1", "eq", "0.1")).isTrue();
        assertThat(evaluate("12345678901234567890123", "gt", "12345678901234567890122")).isTrue();
        assertThat(evaluate("\"-0.5\"", "lt", "0")).isTrue();
    }

    @Test
    void shouldNotFailOnAnyTraitValue() {
        Condition condition = trait("gt", "\"2024-01-01\"");
        for (String value : new String[] {"null", "{}", "[]", "\"\"", "\"2024-13-45\"", "\"9999-99-99T99:99:99Z\"",
                "1e308", "-0", "\"" + "9".repeat(500) + "\""}) {
            assertThat(evaluator.matches(condition, Map.of("t", json(value)))).as(value).isFalse();
        }
        assertThat(evaluator.matches(trait("gt", "5"), Map.of("t", JsonNodeFactory.instance.numberNode(Double.NaN))))
                .isFalse();
    }

    @Test
    void shouldNameEveryTraitAConditionReadsWhenNestedUnderAndOrNot() {
        Condition condition = parser.parse(json("""
                {"and": [{"trait": "plan", "op": "eq", "value": "pro"},
                         {"or": [{"trait": "age", "op": "gte", "value": 18},
                                 {"not": {"trait": "country", "op": "exists"}}]},
                         {"trait": "plan", "op": "neq", "value": "free"}]}"""));

        assertThat(evaluator.traitsRead(condition)).containsExactlyInAnyOrder("plan", "age", "country");
    }

    /** Issue 11: trait leaves take the shared language's dotted paths, with {@code \\.} for a dot in a name. */
    @Test
    void shouldReadNestedTraitsAndTraitNamesWithDots() {
        Map<String, JsonNode> traits = traits("{\"address\": {\"city\": \"Paris\"}, \"utm.source\": \"ads\"}");

        assertThat(evaluator.matches(parser.parse(json(
                "{\"trait\": \"address.city\", \"op\": \"eq\", \"value\": \"Paris\"}")), traits)).isTrue();
        assertThat(evaluator.matches(parser.parse(json(
                "{\"trait\": \"utm\\\\.source\", \"op\": \"eq\", \"value\": \"ads\"}")), traits)).isTrue();
        assertThat(evaluator.matches(parser.parse(json(
                "{\"trait\": \"utm.source\", \"op\": \"exists\"}")), traits)).as("utm is no trait").isFalse();
        assertThat(evaluator.traitsRead(parser.parse(json(
                "{\"trait\": \"address.city\", \"op\": \"exists\"}")))).containsExactly("address");
    }

    private boolean evaluate(String trait, String op, String value) {
        return evaluator.matches(trait(op, value), Map.of("t", json(trait)));
    }

    private Condition trait(String op, String value) {
        String json = "{\"trait\": \"t\", \"op\": \"" + op + "\"" + (value == null ? "" : ", \"value\": " + value) + "}";
        return parser.parse(json(json));
    }

    private static Map<String, JsonNode> withNull(String name) {
        Map<String, JsonNode> traits = new HashMap<>();
        traits.put(name, JsonNodeFactory.instance.nullNode());
        return traits;
    }

    private static Map<String, JsonNode> traits(String json) {
        Map<String, JsonNode> traits = new HashMap<>();
        json(json).forEachEntry(traits::put);
        return traits;
    }

    private static JsonNode json(String json) {
        return MessageCodec.mapper().readTree(json);
    }

    /** Hidden trait value (JSON, or none) | count op | count value | expected: an event node counts 0 without a value. */
    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            3     | gte     | 3      | true
            2     | gte     | 3      | false
            none  | gte     | 1      | false
            none  | lt      | 1      | true
            none  | eq      | 0      | true
            null  | eq      | 0      | true
            0     | neq     | 0      | false
            4     | gt      | 3      | true
            3     | lte     | 3      | true
            none  | between | [0, 2] | true
            3     | between | [0, 2] | false
            """)
    void shouldTestTheCountOfAnEventNodeWithoutAValueAsZero(String value, String op, String count, boolean expected) {
        EventCondition event = (EventCondition) parser.parse(MessageCodec.mapper().readTree(
                "{\"event\": \"Order Completed\", \"count\": {\"op\": \"" + op + "\", \"value\": " + count + "}}"));
        Map<String, JsonNode> computed = new HashMap<>();
        if (!"none".equals(value)) {
            computed.put(event.hiddenTrait(), MessageCodec.mapper().readTree(value));
        }
        computed.put("other", JsonNodeFactory.instance.numberNode(99));
        ProfileFacts facts = new ProfileFacts(Map.of(), computed, java.util.Set.of());
        assertThat(evaluator.matches(event, facts)).isEqualTo(expected);
        assertThat(evaluator.reads(event).computedTraits()).containsExactly(event.hiddenTrait());
    }
}
