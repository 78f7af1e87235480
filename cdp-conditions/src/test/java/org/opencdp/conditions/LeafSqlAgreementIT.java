package org.opencdp.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencdp.testsupport.PostgresServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The in-memory evaluator and the SQL form are one function: on random documents and random leaves,
 * {@link LeafEvaluator#matches} and {@link LeafSql#of} evaluated by a real PostgreSQL give the same
 * answer, every time. Each try sends one statement that evaluates a batch of cases.
 */
class LeafSqlAgreementIT {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final LeafParser PARSER = new LeafParser("path");
    private static final AtomicLong COMPARED = new AtomicLong();
    private static final AtomicLong MATCHED = new AtomicLong();
    private static Connection connection;
    private static final AtomicLong SQL_NANOS = new AtomicLong();

    @BeforeContainer
    static void connect() throws SQLException {
        PostgresServer server = PostgresServer.shared();
        connection = DriverManager.getConnection(server.createDatabase(), server.user(), server.password());
        try (Statement statement = connection.createStatement();
             ResultSet encoding = statement.executeQuery("SHOW server_encoding")) {
            encoding.next();
            assertThat(encoding.getString(1)).isEqualTo("UTF8");
        }
    }

    @AfterContainer
    static void disconnect() throws SQLException {
        connection.close();
        System.out.println("SQL ms " + SQL_NANOS.get() / 1_000_000 + " compared " + COMPARED.get());
        assertThat(COMPARED.get()).as("cases compared").isGreaterThan(5_000);
        assertThat(MATCHED.get()).as("cases that hold").isBetween(COMPARED.get() / 20, COMPARED.get() * 19 / 20);
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void shouldAnswerInSqlAsInMemory(@ForAll("cases") List<Case> cases) throws SQLException {
        List<Leaf> leaves = new ArrayList<>();
        List<JsonNode> documents = new ArrayList<>();
        for (Case c : cases) {
            try {
                leaves.add(PARSER.parse(c.leaf(), ""));
                documents.add(c.document());
            } catch (InvalidConditionException refused) {
                // a generated value the operator cannot use: the parser's tests cover refusals
            }
        }
        if (leaves.isEmpty()) {
            return;
        }
        SqlParameters.Positional parameters = SqlParameters.positional();
        StringBuilder sql = new StringBuilder("SELECT d.i, CASE d.i");
        for (int i = 0; i < leaves.size(); i++) {
            sql.append(" WHEN ").append(i).append(" THEN ").append(LeafSql.of(leaves.get(i), "d.doc", parameters));
        }
        sql.append(" END FROM (VALUES ");
        for (int i = 0; i < documents.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(").append(i).append(", CAST(")
                    .append(parameters.bind(JSON.writeValueAsString(documents.get(i)))).append(" AS jsonb))");
        }
        sql.append(") AS d(i, doc) ORDER BY d.i");

        List<Boolean> inSql = new ArrayList<>();
        long started = System.nanoTime();
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            List<Object> values = parameters.values();
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    boolean result = rows.getBoolean(2);
                    assertThat(rows.wasNull()).as("case %d is never NULL", rows.getInt(1)).isFalse();
                    inSql.add(result);
                }
            }
        }
        SQL_NANOS.addAndGet(System.nanoTime() - started);
        for (int i = 0; i < leaves.size(); i++) {
            boolean inMemory = LeafEvaluator.matches(leaves.get(i), documents.get(i));
            Leaf leaf = leaves.get(i);
            JsonNode document = documents.get(i);
            assertThat(inSql.get(i)).as(() -> ascii(leaf.toJson("path")) + " on " + ascii(document)).isEqualTo(inMemory);
            COMPARED.incrementAndGet();
            if (inMemory) {
                MATCHED.incrementAndGet();
            }
        }
    }

    /** JSON with everything outside printable ASCII escaped, so a failure report shows every character. */
    private static String ascii(JsonNode json) {
        StringBuilder text = new StringBuilder();
        JSON.writeValueAsString(json).chars().forEach(c -> text.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return text.toString();
    }

    record Case(JsonNode document, JsonNode leaf) {
    }

    @Provide
    Arbitrary<List<Case>> cases() {
        return Combinators.combine(documents(), leaves()).as(Case::new).list().ofSize(60);
    }

    // ---- documents

    private static final List<String> KEYS = List.of("a", "b", "d.k", "n");

    private Arbitrary<JsonNode> documents() {
        return object(2);
    }

    private Arbitrary<JsonNode> object(int depth) {
        Arbitrary<JsonNode> member = depth == 0 ? values() : Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, values()), net.jqwik.api.Tuple.of(1, object(depth - 1)));
        return member.optional(0.8).list().ofSize(KEYS.size()).map(members -> {
            ObjectNode object = NODES.objectNode();
            for (int i = 0; i < KEYS.size(); i++) {
                int index = i;
                members.get(i).ifPresent(v -> object.set(KEYS.get(index), v));
            }
            return object;
        });
    }

    private Arbitrary<JsonNode> values() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalars()),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(NODES.nullNode())),
                net.jqwik.api.Tuple.of(2, scalars().list().ofMaxSize(4).map(LeafSqlAgreementIT::array)));
    }

    private Arbitrary<JsonNode> scalars() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, strings()),
                net.jqwik.api.Tuple.of(3, numbers()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b))));
    }

    private Arbitrary<JsonNode> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 45).map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.longs().map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.of("0.1", "59.9", "1.0", "1.00", "-0", "42", "42.0", "1e3", "1E+400", "-2.5e-3",
                        "123456789012345678901234567890.123456789").map(n -> (JsonNode) NODES.numberNode(new BigDecimal(n))),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(20).negate(), BigInteger.TEN.pow(20))
                        .map(n -> (JsonNode) NODES.numberNode(n)),
                Arbitraries.of(0.1, 59.9, 1e20, -3.75, 1.0 / 3, 4.2e-7).map(n -> (JsonNode) NODES.numberNode(n)));
    }

    private Arbitrary<JsonNode> strings() {
        return Arbitraries.oneOf(
                Arbitraries.of("pro", "Pro", "PRO", "", "a", "ab", "b", "é", "日本", "😀", "😀a", "a😀", "\uFFFF", "Z",
                        "42", "-3.5", "1e3", "1E+3", "042", " 42", "+1", "0", "-0", "0.0", "1.", ".5", "42.0", "59.9",
                        "12345678901234567890.123", "1e99999", "true", "null"),
                times(),
                Arbitraries.of("a", "A", "b", "é", "😀", ".", "0", "1", "2", "9", "-", ":", "T", "Z", " ").list()
                        .ofMaxSize(10).map(tokens -> String.join("", tokens)))
                .map(s -> (JsonNode) NODES.stringNode(s));
    }

    /** ISO-8601 texts around a few instants, valid and not, in every form the grammar has. */
    private Arbitrary<String> times() {
        Arbitrary<String> fixed = Arbitraries.of("2024-05-01", "2024-05-01T00:00:00Z", "2024-05-01T10:00:00Z",
                "2024-05-01T12:00:00+02:00", "2024-05-01T10:00Z", "2024-05-01T10:00:00.000001Z",
                "2024-05-01T10:00:00.0000019Z", "2024-05-01T10:00:00.123456789Z", "2024-02-29", "2023-02-29",
                "2024-02-30", "2024-13-01", "2000-02-29", "1900-02-29", "2024-05-01t10:00:00z",
                "2024-05-01T24:00:00Z", "0001-01-01T00:30+01:00", "9999-12-31T23:59:59-14:59",
                "2024-05-01T10:00:00+15:00", "0000-01-01", "2024-05-01T10:00:00", "2024-05-01T09:59:59.999999-00:00",
                "2024-04-30T23:30:00-00:30", "2024-05-01T10:00:00.5+00:00");
        Arbitrary<String> built = Combinators.combine(
                Arbitraries.of("2024-05-01", "2024-04-30", "2024-02-29", "1969-12-31"),
                Arbitraries.of("", "T10:00", "T10:00:00", "T09:30:15", "T23:59:59"),
                Arbitraries.of("", ".1", ".000001", ".0000005", ".999999999"),
                Arbitraries.of("Z", "+02:00", "-00:30", "+14:59", "-03:00", ""))
                .as((date, time, fraction, offset) -> time.isEmpty() ? date
                        : date + time + (time.length() == 6 ? "" : fraction) + offset);
        return Arbitraries.oneOf(fixed, built);
    }

    // ---- leaves

    private static final List<String> PATHS = List.of("a", "b", "n.a", "n.b", "a.b", "d\\.k", "n.n.a", "n.d\\.k", "x");

    private Arbitrary<JsonNode> leaves() {
        return Combinators.combine(Arbitraries.of(PATHS), Arbitraries.of(Operator.values()),
                        scalars(), scalars(), scalars().list().ofMinSize(1).ofMaxSize(4), Arbitraries.integers().between(0, 2))
                .as((path, op, first, second, list, kind) -> {
                    ObjectNode leaf = NODES.objectNode().put("path", path).put("op", op.name());
                    JsonNode value = switch (op) {
                        case exists, not_exists -> null;
                        case in, not_in -> array(list.stream().filter(v -> Values.kind(v).equals(Values.kind(first)))
                                .toList()).insert(0, first);
                        case between -> ordered(first, second);
                        default -> first;
                    };
                    if (value != null) {
                        leaf.set("value", value);
                    }
                    return leaf;
                });
    }

    private static ArrayNode ordered(JsonNode first, JsonNode second) {
        var order = Values.compare(first, second);
        return order.isPresent() && order.getAsInt() > 0 ? array(List.of(second, first)) : array(List.of(first, second));
    }

    private static ArrayNode array(List<JsonNode> elements) {
        ArrayNode array = NODES.arrayNode();
        elements.forEach(array::add);
        return array;
    }
}
