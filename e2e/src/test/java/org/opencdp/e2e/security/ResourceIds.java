package org.opencdp.e2e.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The resources of one workspace the matrix aims at: what it puts into path templates, query
 * parameters and request bodies. {@link TenantResources} creates real ones; {@link #missing()} gives
 * ids of the same shape that exist nowhere, so an answer about another workspace's resource can be
 * compared with the answer about a missing one.
 *
 * @param marker a random token every name and free-text value contains, so no answer can carry one
 *     of them unnoticed
 * @param privacyRequestId an {@code ACCESS} request about the person; null where consent-service
 *     serves no privacy requests
 */
record ResourceIds(String marker, String sourceId, String writeKey, String userId, String email, String profileId,
                   String segmentId, String destinationId, String computedTraitKey, String decisionId,
                   String purposeKey, String blockedValue, String privacyRequestId) {

    /**
     * What a path variable names, by the path segment before it and its name
     * ({@code segments/{id}}); a variable not listed here gets a plausible value of its own.
     */
    private static final Map<String, Function<ResourceIds, String>> PATH_VARIABLES = Map.of(
            "sources/{id}", ResourceIds::sourceId,
            "profiles/{id}", ResourceIds::profileId,
            "segments/{id}", ResourceIds::segmentId,
            "destinations/{id}", ResourceIds::destinationId,
            "decisions/{id}", ResourceIds::decisionId,
            "computed-traits/{key}", ResourceIds::computedTraitKey,
            "requests/{id}", ResourceIds::privacyRequestId,
            "identities/{type}", ids -> "user_id",
            "{type}/{value}", ResourceIds::userId);

    /** Query parameters that name a resource (all others are left out). */
    private static final Map<String, Map<String, Function<ResourceIds, String>>> QUERY_PARAMETERS = Map.of(
            "GET /v1/profiles/lookup", Map.of("type", ids -> "email", "value", ResourceIds::email),
            "GET /v1/identities/lookup", Map.of("type", ids -> "email", "value", ResourceIds::email),
            "GET /v1/audit", Map.of("subject", ResourceIds::profileId));

    /** Ids, keys and names that no workspace has. */
    static ResourceIds missing() {
        String marker = "missing" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return new ResourceIds(marker, UUID.randomUUID().toString(), "wk_" + marker, "user-" + marker,
                marker + "@example.com", UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), "ct_" + marker, UUID.randomUUID().toString(), "purpose_" + marker,
                "blocked-" + marker, UUID.randomUUID().toString());
    }

    /** Whether {@code operation}'s path names one of these resources (rather than none, or an unknown kind). */
    boolean namedBy(ApiOperation operation) {
        return !operation.pathVariables().isEmpty() && operation.pathVariables().stream()
                .allMatch(variable -> PATH_VARIABLES.containsKey(operation.collectionOf(variable) + "/{" + variable + "}"));
    }

    /** {@code operation}'s path with these resources' ids for its variables, and the query parameters that name them. */
    String pathOf(ApiOperation operation) {
        String path = operation.path();
        for (String variable : operation.pathVariables()) {
            Function<ResourceIds, String> value = PATH_VARIABLES.get(operation.collectionOf(variable) + "/{" + variable + "}");
            path = path.replace("{" + variable + "}", value == null ? UUID.randomUUID().toString() : value.apply(this));
        }
        StringBuilder query = new StringBuilder();
        Map<String, Function<ResourceIds, String>> known = QUERY_PARAMETERS.getOrDefault(operation.key(), Map.of());
        for (String name : operation.queryParameters()) {
            if (known.containsKey(name)) {
                query.append(query.isEmpty() ? '?' : '&').append(name).append('=')
                        .append(URLEncoder.encode(known.get(name).apply(this), StandardCharsets.UTF_8));
            }
        }
        return path + query;
    }

    /** The retention a workspace with these resources set ({@code PUT /v1/settings/retention}). */
    static final int RETENTION_DAYS = 3217;

    /** Every value of these resources an answer to another workspace must not contain. */
    List<String> secrets() {
        return Stream.of(marker, sourceId, writeKey, profileId, segmentId, destinationId, decisionId,
                privacyRequestId, "\"retentionDays\":" + RETENTION_DAYS).filter(Objects::nonNull).toList();
    }

    /** Pairs of (this value, the other's value) to make an answer about these resources read like one about {@code other}'s. */
    Map<String, String> correspondence(ResourceIds other) {
        Map<String, String> pairs = new HashMap<>(Map.ofEntries(Map.entry(sourceId, other.sourceId), Map.entry(writeKey, other.writeKey),
                Map.entry(userId, other.userId), Map.entry(email, other.email), Map.entry(profileId, other.profileId),
                Map.entry(segmentId, other.segmentId), Map.entry(destinationId, other.destinationId),
                Map.entry(computedTraitKey, other.computedTraitKey), Map.entry(decisionId, other.decisionId),
                Map.entry(purposeKey, other.purposeKey), Map.entry(blockedValue, other.blockedValue),
                Map.entry(marker, other.marker)));
        if (privacyRequestId != null) {
            pairs.put(privacyRequestId, other.privacyRequestId);
        }
        return pairs;
    }
}
