package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.problem.CdpException;
import tools.jackson.databind.JsonNode;

class TrackingJsonTest {

    private final TrackingJson json = new TrackingJson(MessageCodec.mapper(), 500_000);

    @Test
    void shouldRefuseNestingDeeperThanTheLimit() {
        String deep = "{\"a\":".repeat(TrackingJson.MAX_NESTING_DEPTH + 1) + "1" + "}".repeat(TrackingJson.MAX_NESTING_DEPTH + 1);

        assertInvalidJson(deep);
    }

    @Test
    void shouldAcceptNestingUpToTheLimit() {
        String deep = "{\"a\":".repeat(TrackingJson.MAX_NESTING_DEPTH) + "1" + "}".repeat(TrackingJson.MAX_NESTING_DEPTH);

        assertThat(read(deep).path("a").isObject()).isTrue();
    }

    @Test
    void shouldRefuseOverlongNumbers() {
        assertInvalidJson("{\"n\": " + "9".repeat(TrackingJson.MAX_NUMBER_LENGTH + 1) + "}");
    }

    @Test
    void shouldRefuseADocumentLongerThanTheLimit() {
        var small = new TrackingJson(MessageCodec.mapper(), 100);

        assertThatThrownBy(() -> small.readObject(("{\"s\": \"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(CdpException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }

    @Test
    void shouldRefuseBodiesThatAreNotOneJsonObject() {
        assertInvalidJson("");
        assertInvalidJson("[{\"userId\": \"u1\"}]");
        assertInvalidJson("{\"userId\": \"u1\"} {\"userId\": \"u2\"}");
        assertInvalidJson("{\"userId\": ");
        assertInvalidJson("{\"n\": NaN}");
    }

    @Test
    void shouldRefuseANumberWhoseExponentIsBeyondTheIntRangeAsInvalidJson() { // issue 16, found by fuzzing
        for (String number : List.of("1E+2147483648", "1e-2147483649")) {
            String body = "{\"type\": \"track\", \"properties\": {\"n\": " + number + "}}";

            assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(CdpException.class, e -> {
                assertThat(e.code()).isEqualTo("invalid_json");
                assertThat(e.kind().status()).isEqualTo(400);
                assertThat(e.getMessage()).startsWith("The body holds a number out of range");
            });
            assertThatThrownBy(() -> json.readBatch(utf8("{\"batch\": [" + body + "]}")))
                    .isInstanceOfSatisfying(CdpException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
        }
    }

    @Test
    void shouldKeepDecimalsExactlyAsSent() {
        assertThat(read("{\"price\": 19.90, \"big\": 12345678901234567890.123456789}").toString())
                .isEqualTo("{\"price\":19.90,\"big\":12345678901234567890.123456789}");
    }

    @Test
    void shouldReadABatchBodyExactlyAsReadObjectDoes() {
        List<String> bodies = List.of(
                "{\"batch\": [{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"E\"}], \"sentAt\": null}",
                "{\"context\": {\"library\": {\"name\": \"analytics-java\"}}, \"batch\": [1, \"two\", null, true,"
                        + " [3, [4]], {\"price\": 19.90, \"n\": 1e-6, \"big\": 12345678901234567890.50}], \"x\": []}",
                "{\"batch\": [{\"a\": 1}], \"batch\": [{\"b\": 2}, {\"c\": 3}]}",
                "{\"batch\": [{\"a\": 1}], \"batch\": {\"not\": \"an array\"}}",
                "{\"batch\": \"[{]\\\"\", \"other\": {\"batch\": [1]}}",
                "{}",
                "  {\"batch\" : [ ] }  ");
        for (String body : bodies) {
            TrackingJson.BatchBody batch = json.readBatch(utf8(body));

            assertThat(batch.request()).as(body).isEqualTo(read(body));
            assertThat(batch.request().toString()).as(body).isEqualTo(read(body).toString());
        }
    }

    @Test
    void shouldRefuseABatchBodyWithTheErrorReadObjectGives() {
        List<String> bodies = List.of("", "   ", "[{\"batch\": []}]", "\"batch\"", "{\"batch\": [1,]}",
                "{\"batch\": [1] {\"batch\": [2]}", "{\"batch\": [1]} []", "{\"batch\": [NaN]}",
                "{\"batch\": [{\"a\": \"unterminated}]}", "{\"batch\": [" + "[".repeat(100) + "]".repeat(100) + "]}",
                "{\"batch\": [" + "9".repeat(TrackingJson.MAX_NUMBER_LENGTH + 1) + "]}");
        for (String body : bodies) {
            CdpException expected = catchThrowableOfType(CdpException.class, () -> read(body));

            assertThat(expected).as(body).isNotNull();
            assertThatThrownBy(() -> json.readBatch(utf8(body))).as(body)
                    .isInstanceOfSatisfying(CdpException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_json");
                        assertThat(e.getMessage()).isEqualTo(expected.getMessage());
                    });
        }
    }

    @Test
    void shouldSpanEachBatchElementFromItsFirstByteToTheNextElement() {
        List<String> items = List.of(
                "{\"properties\": {\"nested\": {\"list\": [[1, 2], {\"deep\": [3]}]}}}",
                "\"a string with ] and [ and } and { and , and \\\" quotes\"",
                "{\"text\": \"[\\\"]}\\\\\", \"k]\": \"{\"}",
                "{\"unicode\": \"Grüße, 東京, 😀 \\u00e9 \\ud83d\\ude00\"}",
                "[]",
                "-12.5e3",
                "{\"last\": null}");
        String body = "{\"sentAt\": \"2024-05-01T10:00:00Z\", \"batch\": [" + String.join(" ,\n ", items) + "\n]}";

        TrackingJson.BatchBody batch = json.readBatch(utf8(body));

        assertThat(batch.request().get("batch")).hasSize(items.size());
        for (int i = 0; i < items.size(); i++) {
            int separator = i < items.size() - 1 ? " ,\n ".length() : "\n".length();
            assertThat(batch.span(i)).as(items.get(i)).isEqualTo(utf8(items.get(i)).length + separator);
        }
    }

    @Test
    void shouldSpanTheElementsOfAGunzippedBodyLikeThoseOfAPlainOne() throws IOException {
        String first = "{\"type\": \"identify\", \"userId\": \"u1\"}";
        String second = "{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Ünïcödé ]\"}";
        byte[] body = utf8("{\"batch\": [" + first + ", " + second + "]}");
        byte[] gunzipped = BoundedBody.read(new ByteArrayInputStream(BoundedBodyTest.gzip(body)), "gzip", -1, 500_000);

        assertThat(json.readBatch(gunzipped).itemSpans())
                .containsExactly(utf8(first).length + ", ".length(), utf8(second).length);
    }

    @Test
    void shouldKnowNoSpansWhenTheLastBatchIsNotAnArray() {
        assertThat(json.readBatch(utf8("{\"batch\": [1, 2], \"batch\": {\"a\": [3]}}")).itemSpans()).isNull();
        assertThat(json.readBatch(utf8("{\"batch\": {\"a\": [3]}, \"batch\": [1, 2]}")).itemSpans()).hasSize(2);
        assertThat(json.readBatch(utf8("{\"events\": [1, 2]}")).itemSpans()).isNull();
    }

    @Test
    void shouldNeverWriteAnElementMoreThanTwiceAsLongAsItsText() {
        List<String> items = List.of(
                "[1e-6, 9E-6, -1e-6, 0.1e-5, 1e2, 0e5, -0, -0.0, 1.0E+3, 12345678901234567890]",
                "\"\\/\\b\\f\\n\\r\\t\\u0001\\u0000\\\"\\\\\\u007f\u007f\"",
                "\"\\ud800 lone \\udc00 surrogates\"",
                "\"\u2028 raw é 😀 and escaped \\u00e9 \\ud83d\\ude00\"",
                "{\"dup\": 1, \"dup\": 2, \"k\\u00e9y\": [true, false, null]}",
                "{\n  \"pretty\" : [ 1 , 2 ] ,\n  \"printed\" : { }\n}");
        for (String item : items) {
            byte[] text = utf8(item);
            JsonNode node = read("{\"batch\": [" + item + "]}").get("batch").get(0);

            assertThat(json.sizeOf(node)).as(item).isLessThanOrEqualTo(2 * text.length);
        }
    }

    @Test
    void shouldHoldABatchElementToTheLimitOfItsCompactFormExactly() {
        int limit = 32 * 1024;
        String atLimit = eventOfCompactSize(limit, "");
        String overLimit = eventOfCompactSize(limit + 1, "");
        String prettyAtLimit = eventOfCompactSize(limit, " ".repeat(200));
        String body = "{\"batch\": [" + atLimit + ", " + overLimit + ", " + prettyAtLimit + ", "
                + eventOfCompactSize(limit / TrackingJson.MAX_EXPANSION - 10, "") + "]}";

        TrackingJson.BatchBody batch = json.readBatch(utf8(body));
        JsonNode items = batch.request().get("batch");

        assertThat(batch.span(2)).isGreaterThan(limit);
        assertThat(json.sizeOf(items.get(0))).isEqualTo(limit);
        assertThat(json.sizeOf(items.get(1))).isEqualTo(limit + 1);
        assertThat(json.sizeOf(items.get(2))).isEqualTo(limit);
        assertThat(json.largerThan(items.get(0), batch.span(0), limit)).isFalse();
        assertThat(json.largerThan(items.get(1), batch.span(1), limit)).isTrue();
        assertThat(json.largerThan(items.get(2), batch.span(2), limit)).isFalse();
        assertThat(json.largerThan(items.get(3), batch.span(3), limit)).isFalse();
        assertThat(json.largerThan(items.get(1), Integer.MAX_VALUE, limit)).isTrue();
    }

    /** A track event that takes exactly {@code size} bytes as compact JSON, with {@code padding} after each comma. */
    private String eventOfCompactSize(int size, String padding) {
        String prefix = "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"blob\":\"";
        String suffix = "\"}}";
        String compact = prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix;
        assertThat(json.sizeOf(read(compact))).isEqualTo(size);
        return compact.replace(",", "," + padding);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private tools.jackson.databind.node.ObjectNode read(String body) {
        return json.readObject(utf8(body));
    }

    private void assertInvalidJson(String body) {
        assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(CdpException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_json");
            assertThat(e.kind().status()).isEqualTo(400);
        });
    }
}
