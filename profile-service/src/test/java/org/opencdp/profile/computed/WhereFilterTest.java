package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencdp.conditions.Leaf;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * A computed trait's {@code where} entries are leaves of the shared condition language (issue 11,
 * {@code docs/conditions.md}); the cases marked "issue 11" are where profile's own copy used to differ.
 */
class WhereFilterTest {

    private static final JsonNode ORDER = json("""
            {"total": 59.90, "totalText": "59.9", "currency": "EUR", "coupon": null,
             "placedAt": "2025-03-01T11:00:00+01:00", "tags": ["gift", "express"], "product": {"sku": "A-1", "price": 20},
             "utm.source": "ads"}""");

    @Test
    void shouldCompareNumbersByValueAndNumericStringsAsNumbers() {
        assertThat(where("total", "eq", "59.9").matches(ORDER)).isTrue();
        assertThat(where("totalText", "eq", "59.9").matches(ORDER)).as("issue 11: a numeric string equals a number").isTrue();
        assertThat(where("total", "eq", "\"59.9\"").matches(ORDER)).as("a string value compares with strings only").isFalse();
        assertThat(where("product.price", "lt", "25").matches(ORDER)).as("nested property").isTrue();
        assertThat(where("total", "between", "[50, 60]").matches(ORDER)).isTrue();
    }

    @Test
    void shouldCompareIsoTimesAsInstants() {
        assertThat(where("placedAt", "eq", "\"2025-03-01T10:00:00Z\"").matches(ORDER))
                .as("issue 11: the same instant with another offset").isTrue();
        assertThat(where("placedAt", "gte", "\"2025-03-01\"").matches(ORDER)).isTrue();
        assertThat(where("placedAt", "gt", "5").matches(ORDER)).isFalse();
    }

    @Test
    void shouldMakeNeqAndNotInFalseWithoutAValue() {
        assertThat(where("currency", "neq", "\"USD\"").matches(ORDER)).isTrue();
        assertThat(where("currency", "neq", "\"EUR\"").matches(ORDER)).isFalse();
        assertThat(where("missing", "neq", "\"EUR\"").matches(ORDER)).as("issue 11: missing is not 'different'").isFalse();
        assertThat(where("coupon", "not_in", "[\"X\"]").matches(ORDER)).isFalse();
        assertThat(where("total", "neq", "1").matches(null)).as("an event without properties").isFalse();
    }

    @Test
    void shouldTestPresenceWithExistsAndNotExists() {
        assertThat(where("currency", "exists", null).matches(ORDER)).isTrue();
        assertThat(where("coupon", "exists", null).matches(ORDER)).as("null does not exist").isFalse();
        assertThat(where("coupon", "not_exists", null).matches(ORDER)).isTrue();
        assertThat(where("total.cents", "exists", null).matches(ORDER)).isFalse();
    }

    @Test
    void shouldTakeEveryOperatorOfTheSharedLanguage() {
        assertThat(where("tags", "contains", "\"gift\"").matches(ORDER)).isTrue();
        assertThat(where("tags", "contains", "\"gi\"").matches(ORDER)).as("array elements match whole").isFalse();
        assertThat(where("currency", "in", "[\"USD\", \"EUR\"]").matches(ORDER)).isTrue();
        assertThat(where("currency", "not_in", "[\"USD\"]").matches(ORDER)).isTrue();
        assertThat(where("product.sku", "starts_with", "\"A-\"").matches(ORDER)).isTrue();
        assertThat(where("product.sku", "ends_with", "\"-1\"").matches(ORDER)).isTrue();
        assertThat(where("utm\\\\.source", "eq", "\"ads\"").matches(ORDER)).as("an escaped dot").isTrue();
    }

    private static Leaf where(String property, String op, String valueJson) {
        return DefinitionParser.WHERE.parse(json("{\"property\": \"" + property + "\", \"op\": \"" + op + "\""
                + (valueJson == null ? "" : ", \"value\": " + valueJson) + "}"), "/where/0");
    }

    private static JsonNode json(String text) {
        return MessageCodec.mapper().readTree(text);
    }
}
