package org.opencdp.conditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LeafParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final LeafParser parser = new LeafParser("trait");

    @Test
    void shouldReadEveryPartOfALeaf() {
        Leaf leaf = parser.parse(json("{\"trait\": \"address.city\", \"op\": \"in\", \"value\": [\"Paris\", \"Lyon\"]}"), "");

        assertThat(leaf.path().segments()).containsExactly("address", "city");
        assertThat(leaf.op()).isEqualTo(Operator.in);
        assertThat(leaf.value()).isEqualTo(json("[\"Paris\", \"Lyon\"]"));
    }

    @Test
    void shouldReadUnaryOperatorsWithoutValue() {
        assertThat(parser.parse(json("{\"trait\": \"plan\", \"op\": \"exists\"}"), "").value()).isNull();
        assertThat(parser.parse(json("{\"trait\": \"plan\", \"op\": \"not_exists\"}"), "").op())
                .isEqualTo(Operator.not_exists);
    }

    @Test
    void shouldWriteJsonThatReadsBackToAnEqualLeaf() {
        Leaf leaf = parser.parse(json("{\"trait\": \"utm\\\\.source\", \"op\": \"between\", \"value\": [1, 2.5]}"), "");

        assertThat(leaf.path().segments()).containsExactly("utm.source");
        assertThat(parser.parse(leaf.toJson("trait"), "")).isEqualTo(leaf);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"trait\": \"plan\", \"op\": \"eq\"}                             | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": null}            | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": [1]}             | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": {}}              | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"gt\", \"value\": true}            | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"starts_with\", \"value\": 4}      | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"exists\", \"value\": true}        | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"in\", \"value\": []}              | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"in\", \"value\": \"a\"}           | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"not_in\", \"value\": [\"a\", 1]}  | /condition/and/2/value/1",
            "{\"trait\": \"plan\", \"op\": \"in\", \"value\": [\"a\", null]}   | /condition/and/2/value/1",
            "{\"trait\": \"plan\", \"op\": \"between\", \"value\": [1]}        | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"between\", \"value\": [3, 1]}     | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"between\", \"value\": [1, \"2\"]} | /condition/and/2/value",
            "{\"trait\": \"t\", \"op\": \"between\", \"value\": [\"2024-01-01\", \"zz\"]} | /condition/and/2/value",
            "{\"trait\": \"plan\", \"op\": \"like\", \"value\": \"a\"}         | /condition/and/2/op",
            "{\"trait\": \"plan\", \"op\": 3, \"value\": \"a\"}                | /condition/and/2/op",
            "{\"trait\": \"plan\", \"value\": \"a\"}                           | /condition/and/2/op",
            "{\"op\": \"eq\", \"value\": \"a\"}                                | /condition/and/2/trait",
            "{\"trait\": 5, \"op\": \"eq\", \"value\": \"a\"}                  | /condition/and/2/trait",
            "{\"trait\": \"\", \"op\": \"eq\", \"value\": \"a\"}               | /condition/and/2/trait",
            "{\"trait\": \"a..b\", \"op\": \"eq\", \"value\": \"a\"}           | /condition/and/2/trait",
            "{\"trait\": \"a.\", \"op\": \"eq\", \"value\": \"a\"}             | /condition/and/2/trait",
            "{\"trait\": \"a\\\\b\", \"op\": \"eq\", \"value\": \"a\"}         | /condition/and/2/trait",
            "{\"trait\": \"a.b.c.d.e.f.g.h.i\", \"op\": \"eq\", \"value\": 1}  | /condition/and/2/trait",
            "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": 1, \"a/b\": 2}   | /condition/and/2/a~1b",
            "[]                                                                | /condition/and/2",
    })
    void shouldPointAtTheOffendingMember(String leaf, String pointer) {
        InvalidConditionException e = catchThrowableOfType(InvalidConditionException.class,
                () -> parser.parse(json(leaf), "/condition/and/2"));

        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(ConditionError::pointer).containsExactly(pointer);
        assertThat(e.errors().getFirst().message()).isNotBlank();
    }

    @Test
    void shouldReportEveryProblemOfALeafAtOnce() {
        InvalidConditionException e = catchThrowableOfType(InvalidConditionException.class,
                () -> parser.parse(json("{\"trait\": \"\", \"op\": \"nope\", \"extra\": 1}"), "/where/0"));

        assertThat(e.errors()).extracting(ConditionError::pointer)
                .containsExactly("/where/0/extra", "/where/0/trait", "/where/0/op");
    }

    @Test
    void shouldNameThePathMemberTheServiceUses() {
        InvalidConditionException e = catchThrowableOfType(InvalidConditionException.class,
                () -> new LeafParser("property").parse(json("{\"trait\": \"a\", \"op\": \"exists\"}"), "/where/1"));

        assertThat(e.errors()).extracting(ConditionError::pointer).containsExactly("/where/1/trait", "/where/1/property");
    }

    @Test
    void shouldRefuseListsLongerThanTheLimit() {
        String values = String.join(",", java.util.Collections.nCopies(LeafParser.MAX_LIST + 1, "1"));
        InvalidConditionException e = catchThrowableOfType(InvalidConditionException.class,
                () -> parser.parse(json("{\"trait\": \"a\", \"op\": \"in\", \"value\": [" + values + "]}"), ""));

        assertThat(e.errors()).extracting(ConditionError::pointer).isEqualTo(List.of("/value"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"trait\": \"plan\", \"op\": \"gt\", \"value\": 1e999999}                | /where/0/value",
            "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": -1e999999}               | /where/0/value",
            "{\"trait\": \"plan\", \"op\": \"in\", \"value\": [0, 1e999999]}           | /where/0/value/1",
            "{\"trait\": \"plan\", \"op\": \"between\", \"value\": [0, 1e999999]}      | /where/0/value/1",
            "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"a\\u0000b\"}          | /where/0/value",
            "{\"trait\": \"plan\", \"op\": \"not_in\", \"value\": [\"a\", \"\\u0000\"]} | /where/0/value/1",
            "{\"trait\": \"pl\\u0000an\", \"op\": \"exists\"}                         | /where/0/trait",
    })
    void shouldRefuseWhatCannotBeStoredOrWrittenAsSql(String leaf, String pointer) {
        InvalidConditionException e = catchThrowableOfType(InvalidConditionException.class,
                () -> parser.parse(json(leaf), "/where/0"));

        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(ConditionError::pointer).containsExactly(pointer);
    }

    @Test
    void shouldRefuseNaNFromAnyPath() {
        JsonNode leaf = JSON.createObjectNode().put("trait", "a").put("op", "lt").put("value", Double.NaN);

        InvalidConditionException e = catchThrowableOfType(InvalidConditionException.class, () -> parser.parse(leaf, ""));

        assertThat(e.errors()).extracting(ConditionError::pointer).containsExactly("/value");
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
