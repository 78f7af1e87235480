package org.opencdp.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every operator on every kind of value, and the missing/null rules ({@code docs/conditions.md}). */
class LeafEvaluatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNode PROFILE = JSON.readTree("""
            {"plan": "pro", "age": 42, "ageText": "42", "score": 59.9, "vip": true, "none": null,
             "signedUp": "2024-05-01T12:00:00+02:00", "day": "2024-05-01", "tags": ["gift", "42", 7],
             "address": {"city": "Paris", "zip": "75001"}, "name": "Zoë 😀", "spaced": " 42"}""");

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            // eq / neq: the condition value's type picks the comparison
            "plan        | eq          | \"pro\"                  | true",
            "plan        | eq          | \"Pro\"                  | false",
            "age         | eq          | 42.0                     | true",
            "ageText     | eq          | 42                       | true",
            "age         | eq          | \"42\"                   | false",
            "spaced      | eq          | 42                       | false",
            "vip         | eq          | true                     | true",
            "vip         | eq          | \"true\"                 | false",
            "signedUp    | eq          | \"2024-05-01T10:00:00Z\" | true",
            "day         | eq          | \"2024-05-01T00:00Z\"    | true",
            "plan        | neq         | \"basic\"                | true",
            "plan        | neq         | \"pro\"                  | false",
            "plan        | neq         | 5                        | false",
            "missing     | neq         | \"basic\"                | false",
            "none        | neq         | \"basic\"                | false",
            "address.city| eq          | \"Paris\"                | true",
            "address.zip | eq          | 75001                    | true",
            "address     | eq          | \"Paris\"                | false",
            // order
            "age         | gt          | 41                       | true",
            "ageText     | gte         | 42                       | true",
            "score       | lt          | 60                       | true",
            "score       | lte         | 59.8                     | false",
            "plan        | gt          | 5                        | false",
            "plan        | gt          | \"basic\"                | true",
            "plan        | lt          | \"q\"                    | true",
            "signedUp    | gt          | \"2024-05-01T09:59:59.999999Z\" | true",
            "signedUp    | lt          | \"2024-05-01\"           | false",
            "plan        | gt          | \"2024-01-01\"           | false",
            "missing     | lt          | 5                        | false",
            // lists
            "plan        | in          | [\"basic\", \"pro\"]     | true",
            "ageText     | in          | [1, 42]                  | true",
            "plan        | in          | [\"basic\"]              | false",
            "plan        | not_in      | [\"basic\", \"free\"]    | true",
            "plan        | not_in      | [\"basic\", \"pro\"]     | false",
            "plan        | not_in      | [1, 2]                   | false",
            "missing     | not_in      | [\"basic\"]              | false",
            "none        | in          | [\"basic\"]              | false",
            // text
            "plan        | contains    | \"r\"                    | true",
            "plan        | contains    | \"R\"                    | false",
            "tags        | contains    | \"gift\"                 | true",
            "tags        | contains    | 42                       | true",
            "tags        | contains    | \"7\"                    | false",
            "tags        | contains    | \"gif\"                  | false",
            "age         | contains    | 4                        | false",
            "name        | starts_with | \"Zo\"                   | true",
            "name        | starts_with | \"zo\"                   | false",
            "name        | ends_with   | \"😀\"                   | true",
            "age         | ends_with   | \"2\"                    | false",
            // between, inclusive
            "age         | between     | [42, 50]                 | true",
            "age         | between     | [1, 42]                  | true",
            "age         | between     | [43, 50]                 | false",
            "plan        | between     | [\"a\", \"q\"]           | true",
            "signedUp    | between     | [\"2024-05-01\", \"2024-05-02\"] | true",
            "missing     | between     | [1, 2]                   | false",
    })
    void shouldFollowTheSharedSemantics(String path, String op, String value, boolean expected) {
        Leaf leaf = new Leaf(Path.parse(path), Operator.valueOf(op), JSON.readTree(value));

        assertThat(leaf.matches(PROFILE)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "plan    | exists     | true",
            "none    | exists     | false",
            "missing | exists     | false",
            "plan.x  | exists     | false",
            "plan    | not_exists | false",
            "none    | not_exists | true",
            "missing | not_exists | true",
    })
    void shouldTreatMissingAndNullAlike(String path, String op, boolean expected) {
        Leaf leaf = new Leaf(Path.parse(path), Operator.valueOf(op), null);

        assertThat(leaf.matches(PROFILE)).isEqualTo(expected);
    }
}
