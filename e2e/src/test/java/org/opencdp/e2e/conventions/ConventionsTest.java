package org.opencdp.e2e.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The "one concept, one place" rules of issue 14 over every module's main code
 * ({@code <module>/src/main/java}): each test lists every file that breaks its rule.
 */
class ConventionsTest {

    private static final Pattern MAPPER = Pattern.compile(
            "\\bJsonMapper\\s*\\.\\s*(shared|builder)\\s*\\(|\\bnew\\s+ObjectMapper\\b");
    private static final Pattern ENUM = Pattern.compile("\\benum\\s+\\w+[^{;]*\\{");
    private static final Pattern WIRE_NAME = Pattern.compile("\\bwireName\\b|@(\\w+\\.)*JsonValue\\b");
    private static final Pattern SCOPE = Pattern.compile("[a-z]+:(read|write)");

    private static Path root;
    private static List<JavaSource> sources;

    @BeforeAll
    static void readSources() {
        root = repositoryRoot();
        sources = mainSources(root).stream().map(file -> JavaSource.read(root, file)).toList();
        assertThat(sources).as("main sources under %s", root)
                .anyMatch(source -> is(source, "cdp-contracts", "MessageCodec.java"))
                .anyMatch(source -> is(source, "cdp-service-kit", "Scopes.java"));
    }

    /** The mapper is reached in one way: the JsonMapper bean, or MessageCodec.mapper() where no bean is at hand. */
    @Test
    void shouldBuildTheJsonMapperOnlyInMessageCodec() {
        assertNone(ConventionsTest::mapperBreaches, "no JsonMapper.shared(), JsonMapper.builder() or new ObjectMapper "
                + "outside cdp-contracts' MessageCodec (inject the JsonMapper bean, or use MessageCodec.mapper())");
    }

    /** An enum that leaves the JVM names its constants as the wire values: no wireName, no @JsonValue. */
    @Test
    void shouldNameEnumConstantsAsTheirWireValues() {
        assertNone(ConventionsTest::enumBreaches, "no enum with a wireName member or @JsonValue (name the constants "
                + "as the wire values instead)");
    }

    /** Scope names are written once, in the kit's Scopes. */
    @Test
    void shouldWriteScopeNamesOnlyInScopes() {
        assertNone(ConventionsTest::scopeBreaches, "no scope literal outside cdp-service-kit's security/Scopes.java "
                + "(use org.opencdp.kit.security.Scopes)");
    }

    static List<String> mapperBreaches(JavaSource source) {
        List<String> breaches = new ArrayList<>();
        if (!is(source, "cdp-contracts", "MessageCodec.java")) {
            Matcher matcher = MAPPER.matcher(source.code());
            while (matcher.find()) {
                breaches.add(source.file() + ":" + source.lineOf(matcher.start()) + " " + matcher.group());
            }
        }
        return breaches;
    }

    static List<String> enumBreaches(JavaSource source) {
        List<String> breaches = new ArrayList<>();
        Matcher declaration = ENUM.matcher(source.code());
        while (declaration.find()) {
            Matcher wireName = WIRE_NAME.matcher(members(source.code(), declaration.end()));
            if (wireName.find()) {
                breaches.add(source.file() + ":" + source.lineOf(declaration.start()) + " "
                        + declaration.group().replaceAll("\\s+", " ") + " " + wireName.group());
            }
        }
        return breaches;
    }

    static List<String> scopeBreaches(JavaSource source) {
        if (is(source, "cdp-service-kit", "Scopes.java")) {
            return List.of();
        }
        return source.literals().stream().filter(literal -> SCOPE.matcher(literal.value()).matches())
                .map(literal -> source.file() + ":" + literal.line() + " \"" + literal.value() + "\"").toList();
    }

    private static boolean is(JavaSource source, String module, String fileName) {
        return source.file().getName(0).toString().equals(module)
                && source.file().getFileName().toString().equals(fileName);
    }

    /**
     * The members of the enum whose body opens just before {@code from}: the body up to its closing
     * brace without what nested braces hold (method bodies, constant bodies, nested types), so a
     * {@code wireName} found there is declared by this enum, not merely called.
     */
    private static String members(String code, int from) {
        StringBuilder members = new StringBuilder();
        int depth = 1;
        for (int i = from; i < code.length() && depth > 0; i++) {
            char c = code.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 1 && c != '}') {
                members.append(c);
            }
        }
        return members.toString();
    }

    private static void assertNone(Function<JavaSource, List<String>> rule, String description) {
        List<String> breaches = sources.stream().flatMap(source -> rule.apply(source).stream()).toList();
        long files = breaches.stream().map(breach -> breach.substring(0, breach.indexOf(':'))).distinct().count();
        assertThat(breaches).withFailMessage("%d file(s) break the rule %s:%n  %s", files, description,
                String.join(System.lineSeparator() + "  ", breaches)).isEmpty();
    }

    /** The directory above the working directory whose pom.xml lists the e2e module. */
    private static Path repositoryRoot() {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            Path pom = directory.resolve("pom.xml");
            if (Files.isRegularFile(pom) && read(pom).contains("<module>e2e</module>")) {
                return directory;
            }
        }
        throw new IllegalStateException("No pom.xml with <module>e2e</module> in " + Path.of("").toAbsolutePath()
                + " or above");
    }

    /** Every {@code *.java} under {@code <module>/src/main/java}, for each directory of the root. */
    private static List<Path> mainSources(Path root) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path main : modules.map(module -> module.resolve("src/main/java")).filter(Files::isDirectory)
                    .sorted().toList()) {
                try (Stream<Path> walk = Files.walk(main)) {
                    walk.filter(file -> file.toString().endsWith(".java")).sorted().forEach(files::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the sources under " + root, e);
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }
}
