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
        assertThat(where("total", Op.eq, "59.9").matches(ORDER)).isTrue();
        assertThat(where("total", Op.eq, "\"59.9\"").matches(ORDER)).as("a string is not a number").isFalse();
        assertThat(where("product", Op.eq, "{\"price\": 20.0, \"sku\": \"A-1\"}").matches(ORDER)).isTrue();
        assertThat(where("currency", Op.neq, "\"USD\"").matches(ORDER)).isTrue();
        assertThat(where("currency", Op.neq, "\"EUR\"").matches(ORDER)).isFalse();
        assertThat(where("missing", Op.neq, "\"EUR\"").matches(ORDER)).as("missing is not equal").isTrue();
        assertThat(where("missing", Op.eq, "\"EUR\"").matches(ORDER)).isFalse();
    }

    @Test
    void shouldOrderNumbersWithNumbersAndStringsWithStrings() {
        assertThat(where("total", Op.gt, "50").matches(ORDER)).isTrue();
        assertThat(where("total", Op.gte, "59.9").matches(ORDER)).isTrue();
        assertThat(where("total", Op.lt, "59.9").matches(ORDER)).isFalse();
        assertThat(where("total", Op.lte, "60").matches(ORDER)).isTrue();
        assertThat(where("product.price", Op.lt, "25").matches(ORDER)).as("nested property").isTrue();
        assertThat(where("placedAt", Op.gte, "\"2025-01-01T00:00:00Z\"").matches(ORDER)).isTrue();
        assertThat(where("placedAt", Op.gt, "5").matches(ORDER)).as("a string never compares with a number").isFalse();
        assertThat(where("missing", Op.lt, "5").matches(ORDER)).isFalse();
    }

    @Test
    void shouldMatchInContainsAndExists() {
        assertThat(where("currency", Op.in, "[\"USD\", \"EUR\"]").matches(ORDER)).isTrue();
        assertThat(where("total", Op.in, "[1, 59.9]").matches(ORDER)).isTrue();
        assertThat(where("currency", Op.in, "[\"USD\"]").matches(ORDER)).isFalse();
        assertThat(where("currency", Op.contains, "\"U\"").matches(ORDER)).isTrue();
        assertThat(where("tags", Op.contains, "\"gift\"").matches(ORDER)).isTrue();
        assertThat(where("tags", Op.contains, "\"gi\"").matches(ORDER)).as("array elements match whole").isFalse();
        assertThat(where("total", Op.contains, "\"5\"").matches(ORDER)).isFalse();
        assertThat(where("currency", Op.exists, null).matches(ORDER)).isTrue();
        assertThat(where("coupon", Op.exists, null).matches(ORDER)).as("null does not exist").isFalse();
        assertThat(where("coupon", Op.exists, "false").matches(ORDER)).isTrue();
        assertThat(where("product.sku", Op.exists, "true").matches(ORDER)).isTrue();
        assertThat(where("total.cents", Op.exists, null).matches(ORDER)).isFalse();
    }

    @Test
    void shouldTreatAnEventWithoutPropertiesAsHavingNone() {
        assertThat(where("total", Op.exists, null).matches(null)).isFalse();
        assertThat(where("total", Op.neq, "1").matches(null)).isTrue();
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
