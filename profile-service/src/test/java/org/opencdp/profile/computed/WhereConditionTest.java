package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.profile.computed.WhereCondition.Op;
import tools.jackson.databind.JsonNode;

class WhereConditionTest {

    private static final JsonNode ORDER = json("""
            {"total": 59.90, "currency": "EUR", "coupon": null, "placedAt": "2025-03-01T10:00:00Z",
             "tags": ["gift", "express"], "product": {"sku": "A-1", "price": 20}}""");

    @Test
    void shouldCompareForEqualityWithNumbersByValue() {
        assertThat(where("total", Op.EQ, "59.9").matches(ORDER)).isTrue();
        assertThat(where("total", Op.EQ, "\"59.9\"").matches(ORDER)).as("a string is not a number").isFalse();
        assertThat(where("product", Op.EQ, "{\"price\": 20.0, \"sku\": \"A-1\"}").matches(ORDER)).isTrue();
        assertThat(where("currency", Op.NEQ, "\"USD\"").matches(ORDER)).isTrue();
        assertThat(where("currency", Op.NEQ, "\"EUR\"").matches(ORDER)).isFalse();
        assertThat(where("missing", Op.NEQ, "\"EUR\"").matches(ORDER)).as("missing is not equal").isTrue();
        assertThat(where("missing", Op.EQ, "\"EUR\"").matches(ORDER)).isFalse();
    }

    @Test
    void shouldOrderNumbersWithNumbersAndStringsWithStrings() {
        assertThat(where("total", Op.GT, "50").matches(ORDER)).isTrue();
        assertThat(where("total", Op.GTE, "59.9").matches(ORDER)).isTrue();
        assertThat(where("total", Op.LT, "59.9").matches(ORDER)).isFalse();
        assertThat(where("total", Op.LTE, "60").matches(ORDER)).isTrue();
        assertThat(where("product.price", Op.LT, "25").matches(ORDER)).as("nested property").isTrue();
        assertThat(where("placedAt", Op.GTE, "\"2025-01-01T00:00:00Z\"").matches(ORDER)).isTrue();
        assertThat(where("placedAt", Op.GT, "5").matches(ORDER)).as("a string never compares with a number").isFalse();
        assertThat(where("missing", Op.LT, "5").matches(ORDER)).isFalse();
    }

    @Test
    void shouldMatchInContainsAndExists() {
        assertThat(where("currency", Op.IN, "[\"USD\", \"EUR\"]").matches(ORDER)).isTrue();
        assertThat(where("total", Op.IN, "[1, 59.9]").matches(ORDER)).isTrue();
        assertThat(where("currency", Op.IN, "[\"USD\"]").matches(ORDER)).isFalse();
        assertThat(where("currency", Op.CONTAINS, "\"U\"").matches(ORDER)).isTrue();
        assertThat(where("tags", Op.CONTAINS, "\"gift\"").matches(ORDER)).isTrue();
        assertThat(where("tags", Op.CONTAINS, "\"gi\"").matches(ORDER)).as("array elements match whole").isFalse();
        assertThat(where("total", Op.CONTAINS, "\"5\"").matches(ORDER)).isFalse();
        assertThat(where("currency", Op.EXISTS, null).matches(ORDER)).isTrue();
        assertThat(where("coupon", Op.EXISTS, null).matches(ORDER)).as("null does not exist").isFalse();
        assertThat(where("coupon", Op.EXISTS, "false").matches(ORDER)).isTrue();
        assertThat(where("product.sku", Op.EXISTS, "true").matches(ORDER)).isTrue();
        assertThat(where("total.cents", Op.EXISTS, null).matches(ORDER)).isFalse();
    }

    @Test
    void shouldTreatAnEventWithoutPropertiesAsHavingNone() {
        assertThat(where("total", Op.EXISTS, null).matches(null)).isFalse();
        assertThat(where("total", Op.NEQ, "1").matches(null)).isTrue();
    }

    private static WhereCondition where(String property, Op op, String valueJson) {
        return new WhereCondition(property, JsonPaths.parse(property).orElseThrow(), op,
                valueJson == null ? null : json(valueJson));
    }

    private static JsonNode json(String text) {
        return MessageCodec.mapper().readTree(text);
    }

    @Test
    void shouldParseDottedPropertyPaths() {
        assertThat(JsonPaths.parse("product.price")).contains(List.of("product", "price"));
        assertThat(JsonPaths.parse("total")).contains(List.of("total"));
        assertThat(JsonPaths.parse("a..b")).isEmpty();
        assertThat(JsonPaths.parse(".a")).isEmpty();
        assertThat(JsonPaths.parse(" ")).isEmpty();
        assertThat(JsonPaths.parse("a.b.c.d.e.f.g.h.i")).as("more than 8 segments").isEmpty();
    }
}
