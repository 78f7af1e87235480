package org.opencdp.e2e.security;

import static org.opencdp.kit.security.Scopes.CONSENT_READ;
import static org.opencdp.kit.security.Scopes.CONSENT_WRITE;
import static org.opencdp.kit.security.Scopes.DEAD_LETTERS_WRITE;
import static org.opencdp.kit.security.Scopes.DESTINATIONS_READ;
import static org.opencdp.kit.security.Scopes.DESTINATIONS_WRITE;
import static org.opencdp.kit.security.Scopes.IDENTITY_READ;
import static org.opencdp.kit.security.Scopes.IDENTITY_WRITE;
import static org.opencdp.kit.security.Scopes.PRIVACY_READ;
import static org.opencdp.kit.security.Scopes.PRIVACY_WRITE;
import static org.opencdp.kit.security.Scopes.PROFILES_READ;
import static org.opencdp.kit.security.Scopes.PROFILES_WRITE;
import static org.opencdp.kit.security.Scopes.SEGMENTS_READ;
import static org.opencdp.kit.security.Scopes.SEGMENTS_WRITE;
import static org.opencdp.kit.security.Scopes.SOURCES_READ;
import static org.opencdp.kit.security.Scopes.SOURCES_WRITE;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * THE table of management operations: for each {@code METHOD /path} a service's OpenAPI document
 * lists, the scopes that let a token call it (any one of them) and a valid request body. The
 * services do not declare scopes in their OpenAPI documents, so they are written here, once; the
 * matrix fails for an operation this table does not know, so a new endpoint cannot slip by.
 */
final class ManagementOperations {

    /** The scopes one operation accepts (any one suffices) and its request body for a workspace's resources. */
    record Entry(List<String> acceptedScopes, Function<ResourceIds, Object> body) {
    }

    private static final Function<ResourceIds, Object> NO_BODY = ids -> null;

    private static final Map<String, Entry> OPERATIONS = new LinkedHashMap<>();

    static {
        // every service (the kit): replays the workspace's dead letters. Workspace B has none, so the
        // cross-tenant case only shows that A's replay answers nothing of B's.
        write("POST /v1/admin/dead-letters/replay", DEAD_LETTERS_WRITE, ids -> Map.of("ids",
                List.of(UUID.nameUUIDFromBytes(ids.marker().getBytes(StandardCharsets.UTF_8)).toString())));
        // ingestion
        read("GET /v1/sources", SOURCES_READ, SOURCES_WRITE);
        write("POST /v1/sources", SOURCES_WRITE, ids -> Map.of("name", "Web " + fresh()));
        read("GET /v1/sources/{id}", SOURCES_READ, SOURCES_WRITE);
        write("PATCH /v1/sources/{id}", SOURCES_WRITE, ids -> Map.of("enabled", false));
        write("POST /v1/sources/{id}/write-key", SOURCES_WRITE, NO_BODY);
        read("GET /v1/sources/{id}/tracking-plan", SOURCES_READ, SOURCES_WRITE);
        write("PUT /v1/sources/{id}/tracking-plan", SOURCES_WRITE, ids -> trackingPlan());
        write("DELETE /v1/sources/{id}/tracking-plan", SOURCES_WRITE, NO_BODY);
        read("GET /v1/sources/{id}/violations", SOURCES_READ, SOURCES_WRITE);
        // identity
        read("GET /v1/identities/{type}/{value}", PROFILES_READ, IDENTITY_READ);
        read("GET /v1/identities/lookup", PROFILES_READ, IDENTITY_READ);
        OPERATIONS.put("POST /v1/identities/lookup", new Entry(List.of(PROFILES_READ, IDENTITY_READ),
                ids -> Map.of("type", "email", "value", ids.email())));
        read("GET /v1/profiles/{id}/identities", PROFILES_READ, IDENTITY_READ);
        read("GET /v1/profiles/{id}/merges", PROFILES_READ, IDENTITY_READ);
        read("GET /v1/identity-rules", IDENTITY_READ, PROFILES_READ, IDENTITY_WRITE);
        write("PUT /v1/identity-rules", IDENTITY_WRITE, ids -> Map.of("blockedValues", List.of("blocked-" + fresh())));
        // profile
        read("GET /v1/profiles/{id}", PROFILES_READ);
        read("GET /v1/profiles/{id}/traits", PROFILES_READ);
        read("GET /v1/profiles/{id}/events", PROFILES_READ);
        read("GET /v1/profiles/lookup", PROFILES_READ);
        read("GET /v1/computed-traits", PROFILES_READ, PROFILES_WRITE);
        write("POST /v1/computed-traits", PROFILES_WRITE, ids -> Map.of("key", "ct_" + fresh(),
                "aggregation", "count", "event", "Order Completed"));
        read("GET /v1/computed-traits/{key}", PROFILES_READ, PROFILES_WRITE);
        write("DELETE /v1/computed-traits/{key}", PROFILES_WRITE, NO_BODY);
        read("GET /v1/settings/retention", PROFILES_READ, PROFILES_WRITE);
        write("PUT /v1/settings/retention", PROFILES_WRITE, ids -> Map.of("retentionDays", 400));
        // segmentation
        read("GET /v1/segments", SEGMENTS_READ, SEGMENTS_WRITE);
        write("POST /v1/segments", SEGMENTS_WRITE, ids -> segment());
        read("GET /v1/segments/{id}", SEGMENTS_READ, SEGMENTS_WRITE);
        write("PUT /v1/segments/{id}", SEGMENTS_WRITE, ids -> segment());
        write("DELETE /v1/segments/{id}", SEGMENTS_WRITE, NO_BODY);
        read("GET /v1/segments/{id}/members", SEGMENTS_READ, SEGMENTS_WRITE);
        OPERATIONS.put("POST /v1/segments/preview", new Entry(List.of(SEGMENTS_READ, SEGMENTS_WRITE),
                ids -> Map.of("condition", planIsPro())));
        read("GET /v1/profiles/{id}/segments", SEGMENTS_READ, SEGMENTS_WRITE);
        // activation
        read("GET /v1/destinations", DESTINATIONS_READ, DESTINATIONS_WRITE);
        write("POST /v1/destinations", DESTINATIONS_WRITE, ids -> destination());
        read("GET /v1/destinations/{id}", DESTINATIONS_READ, DESTINATIONS_WRITE);
        write("PUT /v1/destinations/{id}", DESTINATIONS_WRITE, ids -> destination());
        write("DELETE /v1/destinations/{id}", DESTINATIONS_WRITE, NO_BODY);
        read("GET /v1/destinations/{id}/deliveries", DESTINATIONS_READ, DESTINATIONS_WRITE);
        read("GET /v1/destinations/{id}/dead-letters", DESTINATIONS_READ, DESTINATIONS_WRITE);
        write("POST /v1/destinations/{id}/dead-letters/replay", DESTINATIONS_WRITE, ids -> Map.of("deliveryIds", List.of()));
        // consent
        read("GET /v1/purposes", CONSENT_READ, CONSENT_WRITE);
        write("PUT /v1/purposes", CONSENT_WRITE, ids -> Map.of("purposes", List.of(
                Map.of("key", "marketing", "name", "Marketing"))));
        write("PUT /v1/consent", CONSENT_WRITE, ids -> Map.of("profileId", ids.profileId(),
                "purposes", Map.of("marketing", "denied"), "source", "e2e", "legalBasis", "consent",
                "jurisdiction", "EU"));
        read("GET /v1/profiles/{id}/consent", CONSENT_READ, CONSENT_WRITE);
        OPERATIONS.put("POST /v1/consent/decisions", new Entry(List.of(CONSENT_READ, CONSENT_WRITE),
                ids -> Map.of("purposes", List.of("marketing"), "profileIds", List.of(ids.profileId()))));
        read("GET /v1/consent/decisions/{id}", CONSENT_READ, CONSENT_WRITE);
        read("GET /v1/audit", CONSENT_READ, CONSENT_WRITE, PRIVACY_READ, PRIVACY_WRITE);
        write("POST /v1/privacy/requests", PRIVACY_WRITE, ids -> Map.of("type", "ACCESS", "profileId", ids.profileId()));
        read("GET /v1/privacy/requests/{id}", PRIVACY_READ, PRIVACY_WRITE);
    }

    private ManagementOperations() {
    }

    /** The entry for {@code operation}, or null when this table does not know it. */
    static Entry of(ApiOperation operation) {
        return OPERATIONS.get(operation.key());
    }

    /** A request body for {@code operation} about {@code ids}' resources, or null when it takes none. */
    static Object body(ApiOperation operation, ResourceIds ids) {
        return OPERATIONS.get(operation.key()).body().apply(ids);
    }

    private static void read(String operation, String... scopes) {
        OPERATIONS.put(operation, new Entry(List.of(scopes), NO_BODY));
    }

    private static void write(String operation, String scope, Function<ResourceIds, Object> body) {
        OPERATIONS.put(operation, new Entry(List.of(scope), body));
    }

    private static String fresh() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static Map<String, Object> trackingPlan() {
        return Map.of("events", Map.of("Order Completed", Map.of("type", "object")),
                "unplannedEvents", "allow", "invalidEvents", "allow");
    }

    private static Map<String, Object> planIsPro() {
        return Map.of("trait", "plan", "op", "eq", "value", "pro");
    }

    private static Map<String, Object> segment() {
        return Map.of("name", "Pro plan " + fresh(), "condition", planIsPro());
    }

    private static Map<String, Object> destination() {
        return Map.of("name", "CRM hook " + fresh(), "type", "webhook",
                "config", Map.of("url", "http://localhost:9/hook", "secret", "e2e-webhook-secret-" + fresh()),
                "requiredPurposes", List.of("marketing"),
                "subscriptions", Map.of("events", List.of("Never Sent"), "segments", List.of()));
    }
}
