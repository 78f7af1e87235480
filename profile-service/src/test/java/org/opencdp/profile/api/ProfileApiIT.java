package org.opencdp.profile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.profile.ProfileEvents.identify;
import static org.opencdp.profile.ProfileEvents.track;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.profile.ProfileDriver;
import org.opencdp.profile.ProfileEvents;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The Profile API: a profile by id or identifier, its traits, its events page by page and filtered;
 * errors and workspace isolation. (The events are of 2025, older than the default retention: the
 * maintenance job is off so it cannot delete them mid-test.)
 */
@CdpIntegrationTest
@SpringBootTest(classes = ProfileServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=profile-service", "cdp.profile.retention.maintenance-enabled=false"})
class ProfileApiIT {

    private static final String WS = "ws_api";
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

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
    void shouldPageThroughEventsNewestFirstWithoutOverlapsOrGaps() {
        String profileId = "p-" + UUID.randomUUID();
        // e3 and e4 share their event time: the messageId orders them
        int[] seconds = {0, 10, 20, 30, 30, 50, 60};
        for (int i = 0; i < seconds.length; i++) {
            client.send(track(WS, profileId, "e" + i, T.plusSeconds(seconds[i]), "Viewed " + i,
                    "{\"n\":" + i + "}"));
        }
        client.awaitEvents(WS, profileId, 7);
        String token = client.token(WS);
        String path = "/v1/profiles/" + profileId + "/events";

        JsonNode all = body(api.get(path, token), 200);
        assertThat(messageIds(all)).containsExactly("e6", "e5", "e4", "e3", "e2", "e1", "e0");
        assertThat(all.path("nextCursor").isNull()).isTrue();
        JsonNode newest = all.path("items").get(0);
        assertThat(newest.path("type").asString()).isEqualTo("track");
        assertThat(newest.path("name").asString()).isEqualTo("Viewed 6");
        assertThat(newest.path("timestamp").asString()).isEqualTo("2025-03-01T10:01:00Z");
        assertThat(newest.path("receivedAt").asString()).isEqualTo("2025-03-01T10:01:00.250Z");
        assertThat(newest.path("sourceId").asString()).isEqualTo("src_web");
        assertThat(newest.path("properties").path("n").asInt()).isEqualTo(6);
        assertThat(newest.path("context").path("library").path("name").asString()).isEqualTo("analytics.js");

        JsonNode first = body(api.get(path + "?limit=3", token), 200);
        assertThat(messageIds(first)).containsExactly("e6", "e5", "e4");
        // events stored while paging neither shift nor repeat later pages
        client.send(track(WS, profileId, "e-newest", T.plusSeconds(3600), "Late", "{}"),
                track(WS, profileId, "e-oldest", T.minusSeconds(3600), "Early", "{}"));
        client.awaitEvents(WS, profileId, 9);

        JsonNode second = body(api.get(path + "?limit=3&cursor=" + cursor(first), token), 200);
        assertThat(messageIds(second)).containsExactly("e3", "e2", "e1");
        JsonNode third = body(api.get(path + "?limit=3&cursor=" + cursor(second), token), 200);
        assertThat(messageIds(third)).containsExactly("e0", "e-oldest");
        assertThat(third.path("nextCursor").isNull()).isTrue();

        JsonNode last = body(api.get(path + "?limit=1&cursor=" + cursor(body(api.get(path + "?limit=8", token), 200)),
                token), 200);
        assertThat(messageIds(last)).containsExactly("e-oldest");
    }

    @Test
    void shouldRefuseALimitOutOfRangeOrACursorItDidNotIssue() {
        String profileId = "p-" + UUID.randomUUID();
        client.send(track(WS, profileId, "m-" + profileId, T, "Viewed", "{}"));
        client.awaitEvents(WS, profileId, 1);
        String token = client.token(WS);
        String path = "/v1/profiles/" + profileId + "/events";

        for (String limit : List.of("0", "201", "-1", "abc", "")) {
            assertProblem(api.get(path + "?limit=" + limit, token), 400, "invalid_limit");
        }
        assertThat(body(api.get(path + "?limit=200", token), 200).path("items")).hasSize(1);
        assertProblem(api.get(path + "?cursor=garbage", token), 400, "invalid_cursor");
        assertProblem(api.get(path + "?cursor=" + URLEncoder.encode("%%%", StandardCharsets.UTF_8), token),
                400, "invalid_cursor");
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownProfileAndForAnotherWorkspacesProfile() {
        String profileId = "p-" + UUID.randomUUID();
        client.send(identify(WS, profileId, "m-mine-" + profileId, T, "{\"plan\":\"pro\"}"));
        client.send(identify("ws_other", profileId, "m-theirs-" + profileId, T, "{\"plan\":\"free\"}"));
        client.awaitEvents(WS, profileId, 1);
        client.awaitEvents("ws_other", profileId, 1);
        String mine = client.token(WS);
        String theirs = client.token("ws_other");
        String stranger = client.token("ws_stranger");

        for (String suffix : List.of("", "/traits", "/events")) {
            assertProblem(api.get("/v1/profiles/nobody" + suffix, mine), 404, "profile_not_found");
            assertProblem(api.get("/v1/profiles/" + profileId + suffix, stranger), 404, "profile_not_found");
        }
        assertThat(body(api.get("/v1/profiles/" + profileId, mine), 200).path("traits").path("plan").asString())
                .isEqualTo("pro");
        assertThat(body(api.get("/v1/profiles/" + profileId, theirs), 200).path("traits").path("plan").asString())
                .isEqualTo("free");
        assertThat(messageIds(body(api.get("/v1/profiles/" + profileId + "/events", theirs), 200)))
                .containsExactly("m-theirs-" + profileId);
        assertThat(body(api.get("/v1/profiles/" + profileId + "/traits", theirs), 200)
                .path("traits").path("plan").path("messageId").asString()).isEqualTo("m-theirs-" + profileId);
    }

    @Test
    void shouldRequireATokenWithTheProfilesReadScope() {
        String profileId = "p-" + UUID.randomUUID();
        client.send(identify(WS, profileId, "m-" + profileId, T, "{\"plan\":\"pro\"}"));
        client.awaitEvents(WS, profileId, 1);
        String withoutScope = infrastructure.token(WS, "segments:read");

        for (String suffix : List.of("", "/traits", "/events?limit=0")) {
            assertProblem(api.get("/v1/profiles/" + profileId + suffix, null), 401, "missing_token");
            assertProblem(api.get("/v1/profiles/" + profileId + suffix, withoutScope), 403, "missing_scope");
        }
    }

    @Test
    void shouldFilterEventsByNameAndTimeRangeAndPageThroughTheFilteredOnes() {
        String profileId = "p-" + UUID.randomUUID();
        for (int i = 0; i < 6; i++) {
            client.send(track(WS, profileId, "f" + i, T.plusSeconds(60L * i), i % 2 == 0 ? "Order Completed" : "Viewed",
                    "{}"));
        }
        client.awaitEvents(WS, profileId, 6);
        String token = client.token(WS);
        String path = "/v1/profiles/" + profileId + "/events?name=" + URLEncoder.encode("Order Completed",
                StandardCharsets.UTF_8);

        assertThat(messageIds(body(api.get(path, token), 200))).containsExactly("f4", "f2", "f0");
        JsonNode first = body(api.get(path + "&limit=2", token), 200);
        assertThat(messageIds(first)).containsExactly("f4", "f2");
        assertThat(messageIds(body(api.get(path + "&limit=2&cursor=" + cursor(first), token), 200)))
                .containsExactly("f0");
        String range = "/v1/profiles/" + profileId + "/events?from=" + T.plusSeconds(60) + "&to=" + T.plusSeconds(240);
        assertThat(messageIds(body(api.get(range, token), 200))).as("from inclusive, to exclusive")
                .containsExactly("f3", "f2", "f1");
        assertThat(messageIds(body(api.get(path + "&from=" + T.plusSeconds(60), token), 200))).containsExactly("f4", "f2");
        assertProblem(api.get(range.replace(T.plusSeconds(60).toString(), "yesterday"), token), 400,
                "invalid_parameter");
    }

    @Test
    void shouldFindAProfileByAnyOfItsIdentifiers() {
        String profileId = "p-" + UUID.randomUUID();
        String userId = "user-" + UUID.randomUUID();
        client.send(ProfileEvents.resolved(WS, profileId, ProfileEvents.personEvent(
                SegmentEvent.EventType.identify, "m-lookup-" + profileId, userId, "anon-" + profileId, T,
                "{\"email\":\"Ada.Lovelace@Example.com\",\"plan\":\"pro\"}", null)));
        client.send(ProfileEvents.resolved("ws_other", "p-other", ProfileEvents.personEvent(
                SegmentEvent.EventType.identify, "m-lookup-other", userId, null, T, "{\"plan\":\"free\"}", null)));
        client.awaitEvents(WS, profileId, 1);
        client.awaitEvents("ws_other", "p-other", 1);
        String token = client.token(WS);

        JsonNode byEmail = body(api.get("/v1/profiles/lookup?type=email&value="
                + URLEncoder.encode(" ada.lovelace@EXAMPLE.com", StandardCharsets.UTF_8), token), 200);
        assertThat(byEmail.path("id").asString()).isEqualTo(profileId);
        assertThat(byEmail.path("traits").path("plan").asString()).isEqualTo("pro");
        assertThat(byEmail.path("computedTraits").isObject()).isTrue();
        assertThat(byEmail.path("mergedFrom").isArray()).isTrue();
        assertThat(byEmail.path("redirectedFrom").isNull()).isTrue();
        assertThat(body(api.get("/v1/profiles/lookup?type=user_id&value=" + userId, token), 200).path("id").asString())
                .isEqualTo(profileId);
        assertThat(body(api.get("/v1/profiles/lookup?type=anonymous_id&value=anon-" + profileId, token), 200)
                .path("id").asString()).isEqualTo(profileId);
        assertThat(body(api.get("/v1/profiles/lookup?type=user_id&value=" + userId, client.token("ws_other")), 200)
                .path("id").asString()).as("the same user id in another workspace").isEqualTo("p-other");

        assertProblem(api.get("/v1/profiles/lookup?type=email&value=nobody@example.com", token), 404,
                "profile_not_found");
        assertProblem(api.get("/v1/profiles/lookup?type=anonymous_id&value=anon-" + profileId,
                client.token("ws_stranger")), 404, "profile_not_found");
        assertProblem(api.get("/v1/profiles/lookup?type=email", token), 400, "invalid_parameter");
        assertProblem(api.get("/v1/profiles/lookup?value=x", token), 400, "invalid_parameter");
        assertProblem(api.get("/v1/profiles/lookup?type=email&value=x", null), 401, "missing_token");
        assertProblem(api.get("/v1/profiles/lookup?type=email&value=x", infrastructure.token(WS, "segments:read")),
                403, "missing_scope");
    }

    /**
     * Regression test for issue 14: profile's lookup used its own normal form (no phones, no dotted
     * types), so an {@code ios.idfa} identifier or a phone written another way than the event's did
     * not find the profile that identity-service finds.
     */
    @Test
    void shouldFindAProfileByAnIosIdfaAndByAPhoneWrittenDifferentlyIssue14() {
        String profileId = "p-" + UUID.randomUUID();
        String idfa = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        SegmentEvent identify = ProfileEvents.personEvent(SegmentEvent.EventType.identify, "m-idfa-" + profileId,
                "user-" + profileId, null, T, "{\"phone\":\"+1 (650) 253-0000\"}", null);
        identify.context().set("externalIds", MessageCodec.mapper().readTree(
                "[{\"id\":\"" + idfa + "\",\"type\":\"ios.idfa\",\"collection\":\"users\",\"encoding\":\"none\"}]"));
        client.send(ProfileEvents.resolved("ws_issue14", profileId, identify));
        client.awaitEvents("ws_issue14", profileId, 1);
        String token = client.token("ws_issue14");

        assertThat(body(api.get("/v1/profiles/lookup?type=ios.idfa&value=" + idfa, token), 200).path("id").asString())
                .isEqualTo(profileId);
        assertThat(body(api.get("/v1/profiles/lookup?type=phone&value="
                + URLEncoder.encode(" +1-650-253-0000 ", StandardCharsets.UTF_8), token), 200).path("id").asString())
                .isEqualTo(profileId);
        assertThat(body(api.get("/v1/profiles/lookup?type=phone&value=%2B16502530000", token), 200).path("id").asString())
                .isEqualTo(profileId);
        assertProblem(api.get("/v1/profiles/lookup?type=phone&value=%2B15555550100", token), 404,
                "profile_not_found");
        assertProblem(api.get("/v1/profiles/lookup?type=user%20id&value=x", token), 400,
                "invalid_identifier_type");
    }

    /**
     * Issue 14: profile keeps the identifiers identity resolved an event with and reads a lookup under
     * the workspace's identifier rules ({@code cdp.identity.identifier-rules.v1}), so a national phone
     * number in a GB workspace, a custom identifier only identity knows, and a blocked value give
     * identity's answers; in a workspace without a region the national number is no phone number.
     */
    @Test
    void shouldLookUpUnderTheWorkspacesIdentifierRulesAsIdentityDoesIssue14() {
        String british = Workspaces.fresh();
        String elsewhere = Workspaces.fresh();
        String profileId = "p-" + UUID.randomUUID();
        client.send(new IdentifierRulesChanged(UUID.randomUUID(), british, Instant.now(), 1, "GB", List.of("test-user"),
                List.of()));
        SegmentEvent identify = ProfileEvents.personEvent(SegmentEvent.EventType.identify, "m-gb-" + profileId,
                "test-user", null, T, "{\"phone\":\"020 7946 0958\"}", null);
        // as identity resolved it: the blocked user id left out, the phone read in GB, a custom identifier added
        List<Identifier> resolved = List.of(new Identifier("loyalty_card", "LC-" + profileId),
                new Identifier("phone", "+442079460958"));
        for (String ws : List.of(british, elsewhere)) {
            client.send(new EventResolved(UUID.randomUUID(), ws, profileId, ProfileEvents.SOURCE, T, T, identify, resolved));
            client.awaitEvents(ws, profileId, 1);
        }
        String token = client.token(british);
        String national = "/v1/profiles/lookup?type=phone&value=" + URLEncoder.encode("020 7946 0958", StandardCharsets.UTF_8);

        await().atMost(ProfileDriver.TIMEOUT).untilAsserted(() -> assertThat(body(api.get(national, token), 200)
                .path("id").asString()).isEqualTo(profileId));
        assertThat(body(api.get("/v1/profiles/lookup?type=phone&value=%2B44%2020%207946%200958", token), 200)
                .path("id").asString()).isEqualTo(profileId);
        assertThat(body(api.get("/v1/profiles/lookup?type=Loyalty_Card&value=LC-" + profileId, token), 200)
                .path("id").asString()).isEqualTo(profileId);
        assertProblem(api.get("/v1/profiles/lookup?type=user_id&value=test-user", token), 404, "profile_not_found");

        String elsewhereToken = client.token(elsewhere);
        assertProblem(api.get(national, elsewhereToken), 404, "profile_not_found");
        assertThat(body(api.get("/v1/profiles/lookup?type=phone&value=%2B442079460958", elsewhereToken), 200)
                .path("id").asString()).isEqualTo(profileId);
    }

    private static List<String> messageIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(item -> ids.add(item.path("messageId").asString()));
        return ids;
    }

    private static String cursor(JsonNode page) {
        assertThat(page.path("nextCursor").isString()).as("a next cursor").isTrue();
        return URLEncoder.encode(page.path("nextCursor").asString(), StandardCharsets.UTF_8);
    }
}
