package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class NulCharactersTest {

    private static final JsonMapper JSON = MessageCodec.mapper();

    @Test
    void shouldClearABodyWithoutTheEscapeWithoutReadingIt() {
        assertThat(NulCharacters.mayOccurIn(bytes("{\"userId\": \"u1\", \"note\": \"\\u0001 \\u00000\"}"))).isTrue();
        assertThat(NulCharacters.mayOccurIn(bytes("{\"userId\": \"u1\", \"note\": \"\\u0001 u0000 \\u000\"}"))).isFalse();
        assertThat(NulCharacters.mayOccurIn(bytes(""))).isFalse();
        assertThat(NulCharacters.mayOccurIn(bytes("\\u000"))).isFalse();
        assertThat(NulCharacters.mayOccurIn(bytes("\\u0000"))).isTrue();
    }

    @Test
    void shouldPointAtTheFirstNameOrStringHoldingANul() {
        assertThat(NulCharacters.pathOf(read("{\"a\": {\"b\": [1, \"ok\", {\"c\": \"x\\u0000\"}]}}"))).isEqualTo("/a/b/2/c");
        assertThat(NulCharacters.pathOf(read("{\"a/b\": {\"k\\u0000\": 1}}"))).isEqualTo("/a~1b/k\\u0000");
        assertThat(NulCharacters.pathOf(read("[\"\\u0000\"]"))).isEqualTo("/0");
    }

    @Test
    void shouldFindNothingInAnEscapedBackslashFollowedByU0000() {
        String body = "{\"note\": \"\\\\u0000\"}";

        assertThat(NulCharacters.mayOccurIn(bytes(body))).isTrue();
        assertThat(NulCharacters.pathOf(read(body))).isNull();
        assertThat(NulCharacters.pathOf(read("{\"n\": 1, \"t\": true, \"z\": null, \"s\": \"plain\"}"))).isNull();
    }

    @Test
    void shouldLookOutsideTheSkippedPropertyOnly() {
        var request = (ObjectNode) read(
                "{\"batch\": [\"\\u0000\"], \"context\": {\"ip\": \"1.2.3.4\"}}");

        assertThat(NulCharacters.pathOutside(request, "batch")).isNull();
        request.putObject("integrations").put("All", "\u0000");
        assertThat(NulCharacters.pathOutside(request, "batch")).isEqualTo("/integrations/All");
    }

    private static JsonNode read(String json) {
        return JSON.readTree(json);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
