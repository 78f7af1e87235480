package org.opencdp.e2e.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The reading of a source file and the three rules of {@link ConventionsTest}, on small samples. */
class JavaSourceTest {

    @Test
    void shouldKeepCodeAndLiteralsApartFromCommentsAndTextBlocks() {
        String text = """
                /* JsonMapper.shared() in a comment
                   spans lines */
                class A { // new ObjectMapper() in a comment
                    char quote = '"';
                    String block = \"""
                        "profiles:read"
                        \""";
                    String scope = "consent:write", escaped = "a\\"b";
                }
                """;
        JavaSource source = JavaSource.parse(Path.of("m/A.java"), text);

        assertThat(source.code()).doesNotContain("JsonMapper", "ObjectMapper", "profiles", "consent");
        assertThat(source.code().lines().count()).isEqualTo(text.lines().count());
        assertThat(source.literals()).containsExactly(new JavaSource.Literal("consent:write", 8),
                new JavaSource.Literal("a\\\"b", 8));
        assertThat(source.lineOf(source.code().indexOf("char"))).isEqualTo(4);
    }

    @Test
    void shouldFindEachBreachButNotTheOnePlaceAllowedNorMereCalls() {
        JavaSource mapper = JavaSource.parse(Path.of("svc/src/main/java/A.java"),
                "class A { JsonMapper a = JsonMapper.shared(); Object b = tools.jackson.databind.json.JsonMapper"
                        + ".builder().build(); Object c = new ObjectMapper(); }");
        JavaSource codec = JavaSource.parse(Path.of("cdp-contracts/src/main/java/MessageCodec.java"),
                "class MessageCodec { JsonMapper m = JsonMapper.builder().build(); }");
        JavaSource enums = JavaSource.parse(Path.of("svc/src/main/java/E.java"), """
                class Holder {
                    enum Wired { ON("on"); private final String wireName; Wired(String w) { wireName = w; } }
                    enum Annotated { ON; @JsonValue String value() { return "on"; } }
                    enum Calls { on; String label() { return Other.X.wireName(); } }
                }
                """);
        JavaSource scopes = JavaSource.parse(Path.of("svc/src/main/java/S.java"),
                "class S { String a = \"profiles:read\", b = \"profiles:read segments:write\", c = \"Profiles:read\"; }");
        JavaSource kitScopes = JavaSource.parse(
                Path.of("cdp-service-kit/src/main/java/org/opencdp/kit/security/Scopes.java"),
                "class Scopes { String a = \"profiles:read\"; }");

        assertThat(ConventionsTest.mapperBreaches(mapper)).hasSize(3);
        assertThat(ConventionsTest.mapperBreaches(codec)).isEmpty();
        assertThat(ConventionsTest.enumBreaches(enums)).hasSize(2)
                .anySatisfy(breach -> assertThat(breach).contains("enum Wired"))
                .anySatisfy(breach -> assertThat(breach).contains("enum Annotated"));
        assertThat(ConventionsTest.scopeBreaches(scopes)).containsExactly("svc/src/main/java/S.java:1 \"profiles:read\"");
        assertThat(ConventionsTest.scopeBreaches(kitScopes)).isEmpty();
    }
}
