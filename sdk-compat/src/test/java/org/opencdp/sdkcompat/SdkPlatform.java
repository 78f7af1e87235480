package org.opencdp.sdkcompat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.opencdp.kit.security.Scopes;
import org.opencdp.local.LocalPlatform;
import org.opencdp.local.LocalPlatformSettings;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import tools.jackson.databind.JsonNode;

/**
 * The whole platform for one IT class (six services on the class's Kafka and PostgreSQL, as {@code
 * ./cdp up} runs them), a workspace of its own, and what the SDK tests ask of it: a source to send
 * to, and a person's profile as the Profile API shows it.
 */
final class SdkPlatform implements AutoCloseable {

    /** Generous: six services and an SDK runtime share two cores here. */
    static final Duration PATIENCE = Duration.ofSeconds(90);
    /** For the first event, while the services' consumers still join their groups. */
    private static final Duration WARM_UP = Duration.ofMinutes(4);

    private final LocalPlatform platform;
    private final String token;

    private SdkPlatform(LocalPlatform platform, String token) {
        this.platform = platform;
        this.token = token;
    }

    static SdkPlatform start(TestInfrastructure infrastructure) {
        Map<PlatformService, Integer> ports = new EnumMap<>(PlatformService.class);
        for (PlatformService service : PlatformService.values()) {
            ports.put(service, 0);
        }
        LocalPlatform platform = LocalPlatform.start(new LocalPlatformSettings(infrastructure.bootstrapServers(),
                infrastructure.jdbcUrl(), infrastructure.jdbcUser(), infrastructure.jdbcPassword(),
                infrastructure.jwtSecret(), ports,
                Map.of("cdp.kit.kafka.partitions", "3", "cdp.kit.outbox.poll-interval", "50ms")));
        SdkPlatform started = new SdkPlatform(platform, infrastructure.token(Workspaces.fresh(),
                String.join(" ", Scopes.SOURCES_WRITE, Scopes.SOURCES_READ, Scopes.PROFILES_READ)));
        started.awaitPipeline();
        return started;
    }

    /**
     * Sends one identify through the Tracking API and waits for its profile, so each test's patience
     * measures its SDK, not the platform warming up.
     */
    private void awaitPipeline() {
        String writeKey = createSource("Warm-up");
        String userId = "warm-up-" + java.util.UUID.randomUUID();
        body(api(PlatformService.INGESTION).track("/v1/identify", writeKey, Map.of("userId", userId,
                "traits", Map.of("name", "Warm-up"))), 200);
        await().atMost(WARM_UP).pollInterval(Duration.ofSeconds(1))
                .until(() -> person("user_id", userId).isPresent());
    }

    /** The Tracking API's base URL, {@code http://localhost:<port>}: what an SDK is pointed at. */
    String ingestionUrl() {
        return platform.url(PlatformService.INGESTION).toString();
    }

    /** A new source of the workspace; its write key. */
    String createSource(String name) {
        return body(api(PlatformService.INGESTION).post("/v1/sources", token, Map.of("name", name)), 201)
                .path("writeKey").asString();
    }

    /** The profile {@code type}/{@code value} resolves to, once it does and {@code expectation} holds for it. */
    Person awaitPerson(String type, String value, Consumer<Person> expectation) {
        var last = new java.util.concurrent.atomic.AtomicReference<Person>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Person person = person(type, value).orElse(null);
            assertThat(person).as("the profile of %s %s", type, value).isNotNull();
            last.set(person);
            expectation.accept(person);
        });
        return last.get();
    }

    /** The profile {@code type}/{@code value} resolves to now, with its events; empty while there is none. */
    Optional<Person> person(String type, String value) {
        HttpResponse<String> found = api(PlatformService.PROFILE).get("/v1/profiles/lookup?type=" + encode(type)
                + "&value=" + encode(value), token);
        if (found.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode profile = body(found, 200);
        return Optional.of(new Person(profile, events(profile.path("id").asString())));
    }

    private List<JsonNode> events(String profileId) {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = body(api(PlatformService.PROFILE).get("/v1/profiles/" + profileId + "/events?limit=100"
                    + (cursor == null ? "" : "&cursor=" + encode(cursor)), token), 200);
            page.path("items").forEach(events::add);
            cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
        } while (cursor != null);
        return events;
    }

    ApiClient api(PlatformService service) {
        return ApiClient.at(platform.url(service).toString());
    }

    @Override
    public void close() {
        platform.close();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A profile ({@code GET /v1/profiles/lookup}) and its events ({@code GET /v1/profiles/{id}/events}). */
    record Person(JsonNode profile, List<JsonNode> events) {

        String id() {
            return profile.path("id").asString();
        }

        String trait(String key) {
            return profile.path("traits").path(key).asString();
        }

        /** The events of {@code type} ({@code track}, {@code page}, …) named {@code name} (null: any name). */
        List<JsonNode> events(String type, String name) {
            return events.stream().filter(e -> type.equals(e.path("type").asString()))
                    .filter(e -> name == null || name.equals(e.path("name").asString())).toList();
        }

        /** Asserts exactly one event of {@code type} named {@code name} and returns it. */
        JsonNode single(String type, String name) {
            List<JsonNode> found = events(type, name);
            assertThat(found).as("%s events named %s on profile %s, among %s", type, name, id(), summary()).hasSize(1);
            return found.getFirst();
        }

        List<String> summary() {
            return events.stream().map(e -> e.path("type").asString() + ":" + e.path("name").asString()).toList();
        }
    }
}
