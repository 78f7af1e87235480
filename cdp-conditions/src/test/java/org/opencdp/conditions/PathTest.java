package org.opencdp.conditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PathTest {

    private static final JsonNode PROFILE = JsonMapper.builder().build().readTree("""
            {"plan": "pro", "address": {"city": "Paris", "geo": null}, "utm.source": "ads", "a\\\\b": 1, "tags": [{"x": 1}]}""");

    @Test
    void shouldWalkNestedObjects() {
        assertThat(Path.parse("plan").at(PROFILE).stringValue()).isEqualTo("pro");
        assertThat(Path.parse("address.city").at(PROFILE).stringValue()).isEqualTo("Paris");
        assertThat(Path.parse("address.geo").at(PROFILE).isNull()).as("a JSON null is returned as such").isTrue();
    }

    @Test
    void shouldFindNothingThroughScalarsArraysOrNull() {
        assertThat(Path.parse("plan.x").at(PROFILE)).isNull();
        assertThat(Path.parse("address.geo.lat").at(PROFILE)).isNull();
        assertThat(Path.parse("tags.0.x").at(PROFILE)).as("arrays are not indexed").isNull();
        assertThat(Path.parse("missing.x").at(PROFILE)).isNull();
    }

    @Test
    void shouldReadEscapedDotsAndBackslashes() {
        assertThat(Path.parse("utm\\.source").segments()).containsExactly("utm.source");
        assertThat(Path.parse("utm\\.source").at(PROFILE).stringValue()).isEqualTo("ads");
        assertThat(Path.parse("a\\\\b").segments()).containsExactly("a\\b");
        assertThat(Path.of("x.y", "z\\").dotted()).isEqualTo("x\\.y.z\\\\");
        assertThat(Path.parse(Path.of("x.y", "z\\").dotted())).isEqualTo(Path.of("x.y", "z\\"));
    }

    @Test
    void shouldLookUpTheFirstMemberThroughAFunction() {
        Map<String, JsonNode> traits = Map.of("address", PROFILE.get("address"));

        assertThat(Path.parse("address.city").at(traits::get).stringValue()).isEqualTo("Paris");
        assertThat(Path.parse("plan").at(traits::get)).isNull();
    }

    @Test
    void shouldRefuseWhatIsNotAPath() {
        for (String text : new String[] {"", " ", "a..b", ".a", "a.", "a\\", "a\\x", "a.b.c.d.e.f.g.h.i", "x".repeat(256)}) {
            assertThatThrownBy(() -> Path.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a path");
        }
    }
}
