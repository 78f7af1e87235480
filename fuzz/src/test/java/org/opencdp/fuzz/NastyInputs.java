package org.opencdp.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The known-nasty inputs every fuzz test replays (issue 16), so the classics are checked in every build
 * whatever the fuzzer happens to try: deep nesting, huge numbers, invalid UTF-8, NUL, a 10 MB string,
 * prototype-pollution keys, SQL and JSON injection in names and values, hostile times, a gzip bomb.
 *
 * <p>They are generated rather than kept as files: a 10 MB string or 100,000 brackets do not belong in
 * the repository. {@link #documents} are whole bodies for any JSON reader; {@link #values} and {@link
 * #names} are JSON fragments each fuzz test places where its parser reads values and names (a trait
 * path, an event property, a schema keyword), so they reach past the JSON parser.
 *
 * <p>The inputs of at most 64 KB ({@link #seeds}) are a fuzz test's {@code @MethodSource}: replayed
 * as test invocations, and seeds of the fuzzer in fuzzing mode. Larger ones ({@link #huge}) are
 * replayed by a plain parameterized test of the same class: as seeds, libFuzzer would cut them to
 * 1 MB and then mutate every input at that size, which slows a short run to a handful of executions.
 */
public final class NastyInputs {

    /** Inputs longer than this are replayed but not given to the fuzzer as seeds. */
    static final int MAX_SEED_LENGTH = 64 * 1024;
    static final int TEN_MB = 10 * 1024 * 1024;

    /** Built once per JVM: a fuzz test class asks for them twice (seeds and huge inputs). */
    private static Map<String, byte[]> documents;

    /** Whole documents, as bytes: what the JSON parser in front of every target must refuse or read. */
    public static synchronized Map<String, byte[]> documents() {
        if (documents == null) {
            documents = Collections.unmodifiableMap(buildDocuments());
        }
        return documents;
    }

    private static Map<String, byte[]> buildDocuments() {
        var documents = new LinkedHashMap<String, byte[]>();
        documents.put("100k [", "[".repeat(100_000).getBytes(StandardCharsets.UTF_8));
        documents.put("100k [ closed", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
        documents.put("100k {\"a\":", ("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000))
                .getBytes(StandardCharsets.UTF_8));
        documents.put("depth 65", ("{\"a\":".repeat(65) + "1" + "}".repeat(65)).getBytes(StandardCharsets.UTF_8));
        documents.put("depth 499", ("[".repeat(499) + "]".repeat(499)).getBytes(StandardCharsets.UTF_8));
        documents.put("10 MB string", utf8("{\"s\":\"" + "x".repeat(TEN_MB) + "\"}"));
        documents.put("10 MB name", utf8("{\"" + "k".repeat(TEN_MB) + "\":1}"));
        documents.put("200k members", utf8(members(200_000)));
        documents.put("1e999999", utf8("{\"n\":1e999999}"));
        documents.put("400 digits", utf8("{\"n\":" + "9".repeat(400) + "}"));
        documents.put("empty", new byte[0]);
        documents.put("whitespace only", utf8(" \t\r\n "));
        documents.put("null", utf8("null"));
        documents.put("array", utf8("[{}]"));
        documents.put("string", utf8("\"{}\""));
        documents.put("two documents", utf8("{} {}"));
        documents.put("trailing garbage", utf8("{}\u0000"));
        documents.put("UTF-8 BOM", bytes(0xEF, 0xBB, 0xBF, '{', '}'));
        documents.put("UTF-16 BOM", bytes(0xFF, 0xFE, '{', 0, '}', 0));
        documents.put("UTF-32", bytes(0, 0, 0, '{', 0, 0, 0, '}'));
        documents.put("raw NUL in a string", bytes('{', '"', 'a', '"', ':', '"', 0, '"', '}'));
        documents.put("invalid UTF-8 (C3 28)", bytes('{', '"', 'a', '"', ':', '"', 0xC3, 0x28, '"', '}'));
        documents.put("lone continuation byte", bytes('{', '"', 'a', '"', ':', '"', 0x80, '"', '}'));
        documents.put("overlong slash", bytes('{', '"', 'a', '"', ':', '"', 0xC0, 0xAF, '"', '}'));
        documents.put("UTF-8 surrogate", bytes('{', '"', 'a', '"', ':', '"', 0xED, 0xA0, 0x80, '"', '}'));
        documents.put("5-byte sequence", bytes('{', '"', 'a', '"', ':', '"', 0xF8, 0x88, 0x80, 0x80, 0x80, '"', '}'));
        documents.put("code point above U+10FFFF", bytes('{', '"', 'a', '"', ':', '"', 0xF4, 0x90, 0x80, 0x80, '"', '}'));
        documents.put("cut multi-byte", bytes('{', '"', 'a', '"', ':', '"', 0xE2, 0x82));
        documents.put("invalid UTF-8 in a name", bytes('{', '"', 0xFF, '"', ':', '1', '}'));
        documents.put("comments", utf8("{/* c */\"a\":1 // c\n}"));
        documents.put("single quotes", utf8("{'a':'b'}"));
        documents.put("unquoted names", utf8("{a:1}"));
        documents.put("NaN", utf8("{\"n\":NaN}"));
        documents.put("trailing comma", utf8("{\"a\":[1,],}"));
        documents.put("duplicate names", utf8("{\"a\":1,\"a\":{\"a\":2}}"));
        documents.put("cut document", utf8("{\"a\":[1,{\"b\":"));
        documents.put("gzip bomb (10 MB of zeros)", gzip(new byte[TEN_MB]));
        documents.put("gzip of 10 MB of brackets", gzip("[".repeat(TEN_MB).getBytes(StandardCharsets.UTF_8)));
        documents.put("cut gzip", Arrays.copyOf(gzip(utf8("{\"a\":1}")), 12));
        documents.put("gzip magic only", bytes(0x1F, 0x8B));
        return documents;
    }

    /** JSON values (as JSON text) for the places where a parser reads a value. */
    public static List<String> values() {
        List<String> values = new ArrayList<>(List.of(
                "1e999999", "-1e999999", "1e-999999", "1E+2147483648", "1e-2147483649",
                "9".repeat(400), "-" + "9".repeat(400), "0." + "0".repeat(398) + "1", "9".repeat(101),
                "9".repeat(100), "1" + "0".repeat(99), "-0", "0e-7", "0E+999", "4.9e-324", "1.7976931348623157e309",
                "9223372036854775808", "-9223372036854775809", "NaN", "Infinity", "-Infinity",
                "true", "false", "null", "[]", "{}", "[null]", "[[[[[[[[[[]]]]]]]]]]",
                "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\uffff\"",
                "\"\\u202e\"", "\"\\u2028\"", "\"\\ufeff\"", "\"\\u0007\\u001b[2J\"", "\"a\\\\\"",
                "\"'; DROP TABLE profiles; --\"", "\"' OR '1'='1\"", "\"1; SELECT pg_sleep(10)\"",
                "\"$$; DROP TABLE segments; $$\"", "\"E'\\\\\\\\x00'\"", "\"\\\\' OR 1=1 --\"",
                "\"\\\"},{\\\"userId\\\":\\\"admin\\\"}\"", "\"\\\"}]}\"", "\"]}}{{[[\"",
                "\"__proto__\"", "\"constructor.prototype\"", "\"${jndi:ldap://127.0.0.1/a}\"", "\"#{7*7}\"",
                "\"../../../../etc/passwd\"", "\"http://169.254.169.254/latest/meta-data/\"",
                "\"0000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999999999Z\"", "\"+999999999-12-31T23:59:59Z\"",
                "\"-999999999-01-01T00:00:00Z\"", "\"2024-02-30T00:00:00Z\"", "\"2024-05-01T10:00:00+18:00\"",
                "\"2024-05-01T10:00:00-18:00\"", "\"2024-05-01T24:00:00Z\"", "\"2024-05-01T10:00:60Z\"",
                "\"2024-05-01t10:00:00z\"", "\"2024-05-01T10:00:00.1234567890123Z\"", "\"P9999999999D\"", "\"PT-1S\"",
                "\"(a+)+$\"", "\"(?:a|a)*b\"", "\"\\\\1\"", "\"(?=a)\"", "\"[\"", "\"\\\\p{Foo}\"",
                "\"" + "a".repeat(70_000) + "\"", "\"" + "é".repeat(30_000) + "\""));
        values.add("[" + String.join(",", Collections.nCopies(1001, "1")) + "]");
        values.add("[" + String.join(",", Collections.nCopies(3000, "{}")) + "]");
        return values;
    }

    /** Object member names and dotted paths for the places where a parser reads a name. */
    public static List<String> names() {
        return List.of("__proto__", "constructor", "prototype", "constructor.prototype", "__proto__.polluted",
                "__proto__\\.polluted", "a.b.c.d.e.f.g.h.i", "a..b", ".", "\\", "a\\", "\\x", "a\\.b\\\\c", " ",
                "\\u0000", "a\\u0000b", "\\ud800", "~0", "~1", "/", "a/b~c", "'; DROP TABLE profiles; --",
                "\\\"},{\\\"", "$where", "$ref", "#", "../..", "x".repeat(256), "é".repeat(255), "ß.ẞ.ﬃ");
    }

    /**
     * {@code templates} with each of {@link #values} put in place of {@code $v} and each of {@link #names}
     * in place of {@code $n} (JSON-escaped), the first template also with a 10 MB string value, and the
     * {@link #documents} as they are: the nasty inputs in the shape one target reads. Each is named for
     * the test report.
     */
    public static Stream<Named<byte[]>> inShapes(String... templates) {
        Stream<Named<byte[]>> documents = Stream.concat(
                documents().entrySet().stream().map(document -> Named.of(document.getKey(), document.getValue())),
                Stream.of(templates[0]).map(template -> Named.of(template + " with a 10 MB string", utf8(template
                        .replace("$n", "\"a\"").replace("$v", "\"" + "x".repeat(TEN_MB) + "\"")))));
        Stream<Named<byte[]>> filled = Stream.of(templates).flatMap(template -> Stream.concat(
                template.contains("$v") ? values().stream().map(value -> Named.of(
                        template + " with " + abbreviate(value),
                        utf8(template.replace("$n", "\"a\"").replace("$v", value)))) : Stream.empty(),
                template.contains("$n") ? names().stream().map(name -> Named.of(
                        template + " with name " + abbreviate(name),
                        utf8(template.replace("$n", "\"" + name + "\"").replace("$v", "1")))) : Stream.empty()));
        return Stream.concat(documents, filled);
    }

    /**
     * The arguments for a fuzz test's {@code @MethodSource}: those of {@code inputs} of at most {@link
     * #MAX_SEED_LENGTH} bytes, which also seed the fuzzer (see the class comment).
     */
    public static Stream<Arguments> seeds(Stream<Named<byte[]>> inputs) {
        return inputs.filter(input -> input.getPayload().length <= MAX_SEED_LENGTH).map(Arguments::of);
    }

    /** The others: replayed by a plain parameterized test, in fuzzing mode too. */
    public static Stream<Arguments> huge(Stream<Named<byte[]>> inputs) {
        return inputs.filter(input -> input.getPayload().length > MAX_SEED_LENGTH).map(Arguments::of);
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String members(int count) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":").append(i);
        }
        return json.append('}').toString();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    public static byte[] gzip(byte[] content) {
        var out = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 30) + "… (" + text.length() + " chars)";
    }

    private NastyInputs() {
    }
}
