package org.opencdp.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class LeafSqlTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldBindPathMembersAndValuesInsteadOfWritingThem() {
        Leaf leaf = new LeafParser("trait").parse(JSON.readTree(
                "{\"trait\": \"a'); DROP TABLE x; --.b\", \"op\": \"in\", \"value\": [\"it's\", \"'; --\"]}"), "");
        SqlParameters.Positional parameters = SqlParameters.positional();

        String sql = LeafSql.of(leaf, "p.traits", parameters);

        assertThat(sql).doesNotContain("DROP").doesNotContain("it's").contains("(p.traits)");
        assertThat(parameters.values()).containsExactly("a'); DROP TABLE x; --", "b", "it's", "'; --");
    }

    @Test
    void shouldNameParametersForNamedParameterTemplates() {
        Leaf leaf = new LeafParser("property").parse(JSON.readTree(
                "{\"property\": \"total\", \"op\": \"between\", \"value\": [1, 2.5]}"), "");
        Map<String, Object> values = new HashMap<>();

        String sql = LeafSql.of(leaf, "e.properties", SqlParameters.named("w0_", values::put));

        assertThat(sql).contains(":w0_0", ":w0_1", ":w0_2").doesNotContain("?");
        assertThat(values).containsEntry("w0_0", "total").containsEntry("w0_1", new BigDecimal("1"))
                .containsEntry("w0_2", new BigDecimal("2.5"));
    }
}
