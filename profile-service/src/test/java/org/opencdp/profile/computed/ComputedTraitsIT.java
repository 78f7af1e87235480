package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.profile.ProfileDriver.TIMEOUT;
import static org.opencdp.profile.ProfileEvents.identify;
import static org.opencdp.profile.ProfileEvents.track;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.profile.ProfileDriver;
import org.opencdp.profile.ProfileEvents;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Computed traits: every aggregation and where operator kept incrementally and equal to a backfill
 * of the same definition, sliding windows decaying with time, backfill progress, deletion,
 * problems and workspace isolation.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=profile-service", "cdp.profile.retention.maintenance-enabled=false",
                "cdp.profile.computed-traits.backfill-batch-size=2", "cdp.profile.computed-traits.backfill-interval=200ms",
                "cdp.profile.computed-traits.decay-interval=500ms"})
class ComputedTraitsIT {

    private static final String ORDER = "Order Completed";
    private static final Instant T = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    /** Key → definition (without key) and the expected value for the profile P1 of the first test. */
    private static final Map<String, String> DEFINITIONS = new LinkedHashMap<>();
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        define("orders", "\"aggregation\":\"count\"", "5");
        define("revenue", "\"aggregation\":\"sum\",\"property\":\"total\"", "80.5");
        define("avg_order", "\"aggregation\":\"avg\",\"property\":\"total\"", "20.125");
        define("min_order", "\"aggregation\":\"min\",\"property\":\"total\"", "5");
        define("max_order", "\"aggregation\":\"max\",\"property\":\"total\"", "35.5");
        define("first_currency", "\"aggregation\":\"first\",\"property\":\"currency\"", "\"GBP\"");
        define("last_currency", "\"aggregation\":\"last\",\"property\":\"currency\"", "\"eur\"");
        define("top_currency", "\"aggregation\":\"most_frequent\",\"property\":\"currency\"", "\"EUR\"");
        define("currencies", "\"aggregation\":\"unique_count\",\"property\":\"currency\"", "4");
        define("sku_a_revenue", "\"aggregation\":\"sum\",\"property\":\"total\","
                + "\"where\":[{\"property\":\"product.sku\",\"op\":\"eq\",\"value\":\"A\"}]", "25");
        define("w_eq", where("currency", "eq", "\"EUR\""), "2");
        define("w_neq", where("currency", "neq", "\"EUR\""), "3");
        define("w_gt", where("total", "gt", "20"), "1");
        define("w_gte", where("total", "gte", "20"), "3");
        define("w_lt", where("total", "lt", "20"), "1");
        define("w_lte", where("total", "lte", "20.0"), "3");
        define("w_gt_string", where("currency", "gt", "\"F\""), "3");
        define("w_in", where("currency", "in", "[\"USD\",\"GBP\"]"), "2");
        define("w_contains", where("currency", "contains", "\"U\""), "3");
        define("w_contains_element", where("tags", "contains", "\"express\""), "1");
        define("w_exists", "\"aggregation\":\"count\",\"where\":[{\"property\":\"product.sku\",\"op\":\"exists\"}]", "3");
        define("w_not_exists", "\"aggregation\":\"count\",\"where\":[{\"property\":\"product\",\"op\":\"not_exists\"}]", "2");
        define("w_all", "\"aggregation\":\"count\",\"where\":[{\"property\":\"currency\",\"op\":\"eq\",\"value\":\"EUR\"},"
                + "{\"property\":\"total\",\"op\":\"gte\",\"value\":20}]", "2");
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private ProfileDriver client;
    private ApiClient api;

    @BeforeEach
    void connect() {
        client = new ProfileDriver(infrastructure, port);
        api = client.api();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void shouldKeepEveryAggregationAndFilterUpToDateAsEventsArriveAndAgreeWithABackfill() {
        String ws = "ws_ct_all";
        String writer = infrastructure.token(ws, "profiles:write");
        DEFINITIONS.forEach((key, definition) -> create(writer, key, definition));
        awaitReady(ws, DEFINITIONS.keySet());
        String p1 = "p1-" + UUID.randomUUID();
        String p2 = "p2-" + UUID.randomUUID();
        client.send(track(ws, p1, "e1", T.plusSeconds(1), ORDER,
                        "{\"total\":20,\"currency\":\"EUR\",\"tags\":[\"gift\"],\"product\":{\"sku\":\"A\"}}"),
                track(ws, p1, "e2", T.plusSeconds(2), ORDER,
                        "{\"total\":35.5,\"currency\":\"USD\",\"tags\":[\"gift\",\"express\"],\"product\":{\"sku\":\"B\"}}"),
                track(ws, p1, "e3", T.plusSeconds(3), ORDER, "{\"total\":20.0,\"currency\":\"EUR\",\"coupon\":null}"),
                track(ws, p1, "e4", T.plusSeconds(4), ORDER, "{\"total\":\"n/a\",\"currency\":\"eur\"}"),
                // the earliest event arrives last
                track(ws, p1, "e0", T, ORDER, "{\"total\":5,\"currency\":\"GBP\",\"product\":{\"sku\":\"A\"}}"),
                track(ws, p1, "r1", T, "Order Refunded", "{\"total\":100,\"currency\":\"EUR\"}"),
                identify(ws, p1, "i1", T, "{\"plan\":\"pro\"}"),
                track(ws, p2, "e5", T, ORDER, "{\"total\":1,\"currency\":\"EUR\"}"));
        client.awaitEvents(ws, p1, 7);
        client.awaitEvents(ws, p2, 1);
        String reader = client.token(ws);

        JsonNode incremental = body(api.get("/v1/profiles/" + p1, reader), 200).path("computedTraits");
        EXPECTED.forEach((key, expected) -> assertSame(key, incremental.get(key), ProfileEvents.object(
                "{\"v\":" + expected + "}").get("v")));

        DEFINITIONS.forEach((key, definition) -> create(writer, key + "_bf", definition));
        awaitReady(ws, DEFINITIONS.keySet().stream().map(k -> k + "_bf").toList());
        for (String profileId : List.of(p1, p2)) {
            JsonNode values = body(api.get("/v1/profiles/" + profileId, reader), 200).path("computedTraits");
            DEFINITIONS.keySet().forEach(key -> {
                if (values.has(key) || values.has(key + "_bf")) {
                    assertSame(profileId + " " + key, values.get(key + "_bf"), values.get(key));
                }
            });
        }
        JsonNode p2Values = body(api.get("/v1/profiles/" + p2, reader), 200).path("computedTraits");
        assertThat(p2Values.path("orders").asLong()).isEqualTo(1);
        assertThat(p2Values.has("w_in")).as("no event passed the filter: no value").isFalse();
        assertThat(p2Values.has("w_in_bf")).isFalse();

        ProfileChanged last = client.awaitChanges(ws, p1, c -> c.computedTraits().containsKey("first_currency")
                && "GBP".equals(c.computedTraits().get("first_currency").asString())).getLast();
        assertThat(last.computedTraits().get("orders").asLong()).as("e0 arrived fifth").isEqualTo(5);
        assertThat(last.computedTraits()).as("unchanged values are not published").doesNotContainKey("top_currency");
        ProfileChanged backfilled = client.awaitChanges(ws, p2, c -> c.computedTraits().containsKey("revenue_bf")).getLast();
        assertThat(backfilled.computedTraits().get("revenue_bf").asLong()).isEqualTo(1);
    }

    @Test
    void shouldSlideWindowsAsTimePassesEvenWhenNoEventArrives() {
        String ws = "ws_ct_window";
        String writer = infrastructure.token(ws, "profiles:write");
        create(writer, "recent_orders", "\"aggregation\":\"count\",\"within\":\"PT15S\"");
        create(writer, "recent_revenue", "\"aggregation\":\"sum\",\"property\":\"total\",\"within\":\"PT15S\"");
        create(writer, "month_orders", "\"aggregation\":\"count\",\"within\":\"P30D\"");
        awaitReady(ws, List.of("recent_orders", "recent_revenue", "month_orders"));
        String profileId = "p-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        client.send(track(ws, profileId, "w1", now.minusSeconds(1), ORDER, "{\"total\":10}"),
                track(ws, profileId, "w2", now.minusSeconds(60), ORDER, "{\"total\":99}"),
                track(ws, profileId, "w3", now.minus(Duration.ofDays(40)), ORDER, "{\"total\":1000}"));
        client.awaitEvents(ws, profileId, 3);
        String reader = client.token(ws);
        JsonNode fresh = body(api.get("/v1/profiles/" + profileId, reader), 200).path("computedTraits");
        assertThat(fresh.path("recent_orders").asLong()).isEqualTo(1);
        assertThat(fresh.path("recent_revenue").asLong()).isEqualTo(10);
        assertThat(fresh.path("month_orders").asLong()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(30)).until(() -> body(api.get("/v1/profiles/" + profileId, reader), 200)
                .path("computedTraits").path("recent_orders").asLong() == 0);
        JsonNode decayed = body(api.get("/v1/profiles/" + profileId, reader), 200).path("computedTraits");
        assertThat(decayed.path("recent_revenue").asLong()).isZero();
        assertThat(decayed.path("month_orders").asLong()).isEqualTo(2);
        ProfileChanged change = client.awaitChanges(ws, profileId, c -> c.computedTraits().containsKey("recent_orders")
                && c.computedTraits().get("recent_orders").asLong() == 0).getLast();
        assertThat(change.traits()).isEmpty();
        assertThat(change.computedTraits().get("recent_revenue").asLong()).isZero();

        create(writer, "month_orders_bf", "\"aggregation\":\"count\",\"within\":\"P30D\"");
        awaitReady(ws, List.of("month_orders_bf"));
        assertThat(body(api.get("/v1/profiles/" + profileId, reader), 200).path("computedTraits").path("month_orders_bf")
                .asLong()).isEqualTo(2);
    }

    @Test
    void shouldBackfillInBatchesWithProgressThenKeepUpdatingIncrementally() {
        String ws = "ws_ct_backfill";
        String[] profiles = new String[5];
        for (int i = 0; i < profiles.length; i++) {
            profiles[i] = "p" + i + "-" + UUID.randomUUID();
            for (int n = 0; n <= i % 2; n++) {
                client.send(track(ws, profiles[i], "v" + i + "-" + n, T.plusSeconds(n), "Viewed Product",
                        "{\"sku\":\"S" + n + "\"}"));
            }
        }
        for (int i = 0; i < profiles.length; i++) {
            client.awaitEvents(ws, profiles[i], 1 + i % 2);
        }
        String writer = infrastructure.token(ws, "profiles:write");

        JsonNode created = body(api.post("/v1/computed-traits", writer,
                "{\"key\":\"views\",\"name\":\"Product views\",\"aggregation\":\"count\",\"event\":\"Viewed Product\"}"),
                201);
        assertThat(created.path("status").asString()).isEqualTo("backfilling");
        assertThat(created.path("progress").path("processed").asLong()).isZero();
        assertThat(created.path("progress").path("total").asLong()).isEqualTo(5);
        assertThat(created.path("name").asString()).isEqualTo("Product views");

        awaitReady(ws, List.of("views"));
        JsonNode ready = body(api.get("/v1/computed-traits/views", client.token(ws)), 200);
        assertThat(ready.path("progress").path("processed").asLong()).isEqualTo(5);
        assertThat(ready.path("progress").path("total").asLong()).isEqualTo(5);
        for (int i = 0; i < profiles.length; i++) {
            assertThat(body(api.get("/v1/profiles/" + profiles[i], client.token(ws)), 200).path("computedTraits")
                    .path("views").asLong()).isEqualTo(1 + i % 2);
        }

        client.send(track(ws, profiles[0], "v-after", T.plusSeconds(30), "Viewed Product", "{\"sku\":\"S9\"}"));
        await().atMost(TIMEOUT).until(() -> body(api.get("/v1/profiles/" + profiles[0], client.token(ws)), 200)
                .path("computedTraits").path("views").asLong() == 2);
        assertThat(body(api.get("/v1/computed-traits", client.token(ws)), 200).path("items")).hasSize(1);
    }

    @Test
    void shouldDeleteATraitAndPublishTheRemovalOfItsValues() {
        String ws = "ws_ct_delete";
        String writer = infrastructure.token(ws, "profiles:write");
        create(writer, "signups", "\"aggregation\":\"count\"");
        awaitReady(ws, List.of("signups"));
        String profileId = "p-" + UUID.randomUUID();
        client.send(track(ws, profileId, "d1", T, ORDER, "{}"));
        client.awaitEvents(ws, profileId, 1);
        await().atMost(TIMEOUT).until(() -> body(api.get("/v1/profiles/" + profileId, client.token(ws)), 200)
                .path("computedTraits").path("signups").asLong() == 1);

        assertThat(api.delete("/v1/computed-traits/signups", writer).statusCode()).isEqualTo(204);

        assertProblem(api.get("/v1/computed-traits/signups", writer), 404, "computed_trait_not_found");
        ProfileChanged removal = client.awaitChanges(ws, profileId, c -> c.computedTraits().containsKey("signups")
                && c.computedTraits().get("signups").isNull()).getLast();
        assertThat(removal.traits()).isEmpty();
        assertThat(body(api.get("/v1/profiles/" + profileId, client.token(ws)), 200).path("computedTraits").has("signups"))
                .isFalse();
        await().atMost(TIMEOUT).until(() -> api.post("/v1/computed-traits", writer,
                "{\"key\":\"signups\",\"aggregation\":\"count\",\"event\":\"" + ORDER + "\"}").statusCode() == 201);
        awaitReady(ws, List.of("signups"));
        assertThat(body(api.get("/v1/profiles/" + profileId, client.token(ws)), 200).path("computedTraits")
                .path("signups").asLong()).as("backfilled again").isEqualTo(1);
    }

    @Test
    void shouldNumberBackfillDecayAndDeletionChangesAmongTheEventChangesOfTheSameProfile() {
        String ws = "ws_ct_versions";
        String profileId = "p-" + UUID.randomUUID();
        client.send(identify(ws, profileId, "vi1", T, "{\"plan\":\"a\"}"),
                track(ws, profileId, "vo1", Instant.now().minusSeconds(1), ORDER, "{}"));
        client.awaitEvents(ws, profileId, 2);
        String writer = infrastructure.token(ws, "profiles:write");
        create(writer, "recent_v", "\"aggregation\":\"count\",\"within\":\"PT8S\"");
        awaitReady(ws, List.of("recent_v"));
        client.send(identify(ws, profileId, "vi2", T.plusSeconds(1), "{\"plan\":\"b\"}"));
        client.awaitChanges(ws, profileId, c -> c.computedTraits().containsKey("recent_v")
                && c.computedTraits().get("recent_v").asLong() == 0);
        assertThat(api.delete("/v1/computed-traits/recent_v", writer).statusCode()).isEqualTo(204);
        client.awaitChanges(ws, profileId, c -> c.computedTraits().containsKey("recent_v")
                && c.computedTraits().get("recent_v").isNull());

        List<ProfileChanged> published = client.changesSoFar(ws, profileId);

        assertThat(published).extracting(ProfileChanged::version)
                .as("issue 15: events, backfill, decay and deletion share one numbering, in commit order")
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(published).extracting(ComputedTraitsIT::describe).as("the event, the backfill, ..., the deletion")
                .startsWith("plan=\"a\"", "recent_v=1").endsWith("recent_v=null")
                .contains("plan=\"b\"", "recent_v=0");
    }

    @Test
    void shouldAnswerProblemsAndKeepWorkspacesApart() {
        String ws = "ws_ct_mine";
        String writer = infrastructure.token(ws, "profiles:write");
        String theirs = infrastructure.token("ws_ct_theirs", "profiles:write profiles:read");
        create(writer, "purchases", "\"aggregation\":\"count\"");

        JsonNode invalid = body(api.post("/v1/computed-traits", writer,
                "{\"key\":\"k\",\"aggregation\":\"median\",\"event\":\"E\"}"), 400);
        assertThat(invalid.path("code").asString()).isEqualTo("invalid_computed_trait");
        assertThat(invalid.path("errors").get(0).path("pointer").asString()).isEqualTo("/aggregation");
        JsonNode badWhere = body(api.post("/v1/computed-traits", writer, "{\"key\":\"k\",\"aggregation\":\"count\","
                + "\"event\":\"E\",\"where\":[{\"property\":\"total\",\"op\":\"gt\",\"value\":[1]}]}"), 400);
        assertThat(badWhere.path("errors").get(0).path("pointer").asString()).isEqualTo("/where/0/value");
        // Neither storable (text refuses U+0000) nor writable as SQL (Infinity): 400 with the pointer, not 500.
        JsonNode nulEvent = body(api.post("/v1/computed-traits", writer,
                "{\"key\":\"k\",\"aggregation\":\"count\",\"event\":\"E\\u0000\"}"), 400);
        assertThat(nulEvent.path("code").asString()).isEqualTo("invalid_computed_trait");
        assertThat(nulEvent.path("errors").get(0).path("pointer").asString()).isEqualTo("/event");
        JsonNode infinite = body(api.post("/v1/computed-traits", writer, "{\"key\":\"k\",\"aggregation\":\"count\","
                + "\"event\":\"E\",\"where\":[{\"property\":\"total\",\"op\":\"in\",\"value\":[0,1e999999]}]}"), 400);
        assertThat(infinite.path("code").asString()).isEqualTo("invalid_computed_trait");
        assertThat(infinite.path("errors").get(0).path("pointer").asString()).isEqualTo("/where/0/value/1");
        assertProblem(api.post("/v1/computed-traits", writer, "{oops"), 400, "malformed_body");
        assertProblem(api.post("/v1/computed-traits", writer,
                "{\"key\":\"purchases\",\"aggregation\":\"count\",\"event\":\"Other\"}"), 409, "computed_trait_exists");
        assertProblem(api.get("/v1/computed-traits/nothing", writer), 404, "computed_trait_not_found");
        assertProblem(api.delete("/v1/computed-traits/nothing", writer), 404, "computed_trait_not_found");
        assertProblem(api.post("/v1/computed-traits", infrastructure.token(ws, "profiles:read"),
                "{\"key\":\"k\",\"aggregation\":\"count\",\"event\":\"E\"}"), 403, "missing_scope");
        assertProblem(api.delete("/v1/computed-traits/purchases", infrastructure.token(ws, "profiles:read")), 403,
                "missing_scope");
        assertProblem(api.get("/v1/computed-traits", null), 401, "missing_token");
        assertProblem(api.get("/v1/computed-traits", infrastructure.token(ws, "segments:read")), 403,
                "missing_scope");

        assertProblem(api.get("/v1/computed-traits/purchases", theirs), 404, "computed_trait_not_found");
        assertProblem(api.delete("/v1/computed-traits/purchases", theirs), 404, "computed_trait_not_found");
        assertThat(body(api.get("/v1/computed-traits", theirs), 200).path("items")).isEmpty();
        awaitReady(ws, List.of("purchases"));
        String profileId = "p-" + UUID.randomUUID();
        client.send(track("ws_ct_theirs", profileId, "x1", T, ORDER, "{}"), track(ws, profileId, "x1", T, ORDER, "{}"));
        client.awaitEvents("ws_ct_theirs", profileId, 1);
        client.awaitEvents(ws, profileId, 1);
        await().atMost(TIMEOUT).until(() -> body(api.get("/v1/profiles/" + profileId, client.token(ws)), 200)
                .path("computedTraits").path("purchases").asLong() == 1);
        assertThat(body(api.get("/v1/profiles/" + profileId, theirs), 200).path("computedTraits").isEmpty()).isTrue();
        assertThat(body(api.get("/v1/computed-traits/purchases", client.token(ws)), 200).path("status").asString())
                .isEqualTo("ready");
    }

    /**
     * Issue 11: segmentation's {@code event} nodes become hidden traits, and {@code between} counts the
     * events of a fixed range of event times [lower, upper), backdated ones included, incrementally and
     * in a backfill alike; hidden traits are listed only on request.
     */
    @Test
    void shouldCountEventsBetweenTwoInstantsAndKeepHiddenTraitsOutOfTheDefaultList() {
        String ws = "ws_ct_between";
        String writer = infrastructure.token(ws, "profiles:write");
        String reader = client.token(ws);
        String range = "\"between\":[\"" + T.minusSeconds(10) + "\",\"" + T.plusSeconds(10) + "\"]";
        String profileId = "p-" + UUID.randomUUID();
        client.send(track(ws, profileId, "b0", T.minusSeconds(11), ORDER, "{\"total\":60}"));
        client.awaitEvents(ws, profileId, 1);
        create(writer, "_seg_range", "\"aggregation\":\"count\",\"hidden\":true,\"where\":[{\"property\":\"total\","
                + "\"op\":\"gte\",\"value\":50}]," + range);
        create(writer, "visible", "\"aggregation\":\"count\"");
        awaitReady(ws, List.of("_seg_range", "visible"));

        client.send(track(ws, profileId, "b1", T.minusSeconds(10), ORDER, "{\"total\":50}"),
                track(ws, profileId, "b2", T.plusSeconds(9), ORDER, "{\"total\":99}"),
                track(ws, profileId, "b3", T.plusSeconds(10), ORDER, "{\"total\":99}"),
                track(ws, profileId, "b4", T, ORDER, "{\"total\":10}"),
                // backdated: arrives last, counts by its event time
                track(ws, profileId, "b5", T.minusSeconds(5), ORDER, "{\"total\":70}"));
        client.awaitEvents(ws, profileId, 6);
        await().atMost(TIMEOUT).until(() -> body(api.get("/v1/profiles/" + profileId, reader), 200)
                .path("computedTraits").path("visible").asLong() == 6);
        assertThat(body(api.get("/v1/profiles/" + profileId, reader), 200).path("computedTraits").path("_seg_range")
                .asLong()).as("b1, b2, b5: lower bound inclusive, upper exclusive, where applied").isEqualTo(3);
        create(writer, "_seg_range_bf", "\"aggregation\":\"count\",\"hidden\":true,\"where\":[{\"property\":"
                + "\"total\",\"op\":\"gte\",\"value\":50}]," + range);
        awaitReady(ws, List.of("_seg_range_bf"));
        assertThat(body(api.get("/v1/profiles/" + profileId, reader), 200).path("computedTraits").path("_seg_range_bf")
                .asLong()).isEqualTo(3);

        JsonNode listed = body(api.get("/v1/computed-traits", reader), 200).path("items");
        assertThat(listed).extracting(item -> item.path("key").asString()).containsExactly("visible");
        JsonNode all = body(api.get("/v1/computed-traits?hidden=true", reader), 200).path("items");
        assertThat(all).extracting(item -> item.path("key").asString())
                .containsExactly("_seg_range", "_seg_range_bf", "visible");
        JsonNode hidden = body(api.get("/v1/computed-traits/_seg_range", reader), 200);
        assertThat(hidden.path("hidden").asBoolean()).isTrue();
        assertThat(Instant.parse(hidden.path("between").get(1).asString())).isEqualTo(T.plusSeconds(10));

        for (String[] bad : new String[][] {
                {"\"between\":[\"2026-12-01T00:00:00Z\",\"2026-11-01T00:00:00Z\"]", "/between/1"},
                {"\"between\":[\"2026-11-01\",\"2026-12-01T00:00:00Z\"]", "/between/0"},
                {"\"between\":[\"2026-11-01T00:00:00Z\"]", "/between"},
                {"\"between\":[\"2026-11-01T00:00:00Z\",\"2026-12-01T00:00:00Z\"],\"within\":\"P1D\"", "/between"},
                {"\"hidden\":\"yes\"", "/hidden"},
                {"\"hidden\":true", "/key"}}) {
            JsonNode problem = body(api.post("/v1/computed-traits", writer,
                    "{\"key\":\"k\",\"aggregation\":\"count\",\"event\":\"E\"," + bad[0] + "}"), 400);
            assertThat(problem.path("code").asString()).isEqualTo("invalid_computed_trait");
            assertThat(problem.path("errors").get(0).path("pointer").asString()).as(bad[0]).isEqualTo(bad[1]);
        }
        JsonNode reserved = body(api.post("/v1/computed-traits", writer,
                "{\"key\":\"_mine\",\"aggregation\":\"count\",\"event\":\"E\"}"), 400);
        assertThat(reserved.path("errors").get(0).path("pointer").asString()).as("_ is for hidden traits")
                .isEqualTo("/key");
    }

    /**
     * Issue 11: a definition stored before the shared condition language (here an {@code eq} with an
     * object value, refused now) is read as {@code failed}: the API lists, shows and deletes it, the
     * event consumer and the backfill go on with the other traits, and no worker claims it again.
     */
    @Test
    void shouldReadStoredDefinitionsTheConditionLanguageNowRefusesAsFailedWithoutBreakingAnything() {
        String ws = "ws_ct_legacy";
        String writer = infrastructure.token(ws, "profiles:write");
        create(writer, "orders", "\"aggregation\":\"count\"");
        awaitReady(ws, List.of("orders"));
        for (String[] legacy : List.of(new String[] {"legacy_ready", "ready"}, new String[] {"legacy_new", "backfilling"})) {
            jdbc.update("""
                    INSERT INTO computed_trait_definitions (workspace_id, key, name, aggregation, event, property,
                        conditions, within, status, processed, total, created_at, updated_at)
                    VALUES (?, ?, ?, 'count', ?, NULL, '[{"property":"product","op":"eq","value":{"sku":"A"}}]'::jsonb,
                        NULL, ?, 0, 0, now(), now())""", ws, legacy[0], legacy[0], ORDER, legacy[1]);
        }
        String profileId = "p-" + UUID.randomUUID();
        client.send(track(ws, profileId, "l1", T, ORDER, "{\"product\":{\"sku\":\"A\"}}"));
        client.awaitEvents(ws, profileId, 1);
        String reader = client.token(ws);
        await().atMost(TIMEOUT).until(() -> body(api.get("/v1/profiles/" + profileId, reader), 200)
                .path("computedTraits").path("orders").asLong() == 1);
        assertThat(body(api.get("/v1/profiles/" + profileId, reader), 200).path("computedTraits").has("legacy_ready"))
                .isFalse();

        JsonNode list = body(api.get("/v1/computed-traits", reader), 200).path("items");
        assertThat(list).hasSize(3);
        assertThat(body(api.get("/v1/computed-traits/legacy_ready", reader), 200).path("status").asString())
                .isEqualTo("failed");
        await().atMost(TIMEOUT).until(() -> "failed".equals(jdbc.queryForObject(
                "SELECT status FROM computed_trait_definitions WHERE workspace_id = ? AND key = 'legacy_new'",
                String.class, ws)));
        assertThat(body(api.get("/v1/computed-traits/legacy_new", reader), 200).path("status").asString())
                .isEqualTo("failed");

        assertThat(api.delete("/v1/computed-traits/legacy_ready", writer).statusCode()).isEqualTo(204);
        await().atMost(TIMEOUT).until(() -> api.get("/v1/computed-traits/legacy_ready", reader).statusCode() == 404);
        await().atMost(TIMEOUT).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM computed_trait_definitions WHERE workspace_id = ? AND key = 'legacy_ready'",
                Long.class, ws) == 0);
        client.send(track(ws, profileId, "l2", T.plusSeconds(1), ORDER, "{}"));
        await().atMost(TIMEOUT).until(() -> body(api.get("/v1/profiles/" + profileId, reader), 200)
                .path("computedTraits").path("orders").asLong() == 2);
    }

    private void create(String token, String key, String definition) {
        String event = definition.contains("\"event\"") ? "" : ",\"event\":\"" + ORDER + "\"";
        JsonNode created = body(api.post("/v1/computed-traits", token,
                "{\"key\":\"" + key + "\"," + definition + event + "}"), 201);
        assertThat(created.path("key").asString()).isEqualTo(key);
    }

    private void awaitReady(String ws, java.util.Collection<String> keys) {
        String token = client.token(ws);
        await().atMost(TIMEOUT).until(() -> keys.stream().allMatch(key -> "ready".equals(
                body(api.get("/v1/computed-traits/" + key, token), 200).path("status").asString())));
    }

    /** A change's content as key=value (its only key here). */
    private static String describe(ProfileChanged change) {
        Map<String, JsonNode> values = change.traits().isEmpty() ? change.computedTraits() : change.traits();
        assertThat(values).hasSize(1);
        Map.Entry<String, JsonNode> entry = values.entrySet().iterator().next();
        return entry.getKey() + "=" + entry.getValue();
    }

    private static void assertSame(String what, JsonNode actual, JsonNode expected) {
        assertThat(actual).as(what + " has a value").isNotNull();
        if (expected.isNumber()) {
            assertThat(actual.isNumber()).as(what + " = " + actual).isTrue();
            assertThat(actual.decimalValue()).as(what).isEqualByComparingTo(expected.decimalValue());
        } else {
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    private static void define(String key, String definition, String expected) {
        DEFINITIONS.put(key, definition);
        EXPECTED.put(key, expected);
    }

    private static String where(String property, String op, String value) {
        return "\"aggregation\":\"count\",\"where\":[{\"property\":\"" + property + "\",\"op\":\"" + op + "\",\"value\":"
                + value + "}]";
    }
}
