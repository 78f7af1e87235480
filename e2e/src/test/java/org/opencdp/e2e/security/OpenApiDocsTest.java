package org.opencdp.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.local.PlatformService;

/** What the matrix treats as public, and how it reads path templates. */
class OpenApiDocsTest {

    @Test
    void shouldTreatOnlyTheTrackingApiTheErrorPathActuatorAndTheDocumentsAsPublic() {
        assertThat(List.of("/v1/track", "/v1/t/", "/v1/batch", "/v1/import/", "/v1/b", "/beacon/v1/batch",
                "/v1/projects/{writeKey}/settings", "/sourceConfig/", "/error", "/actuator/health", "/v3/api-docs"))
                .allMatch(OpenApiDocs::isPublic);
        assertThat(List.of("/v1/sources", "/v1/sources/{id}/tracking-plan", "/v1/profiles/{id}", "/v1/segments",
                "/v1/tracking", "/v1/batches", "/v1/identity-rules", "/v1/privacy/requests", "/errors"))
                .noneMatch(OpenApiDocs::isPublic);
    }

    @Test
    void shouldNameWhatEachPathVariableIdentifiesByTheSegmentBeforeIt() {
        ApiOperation identities = new ApiOperation(PlatformService.IDENTITY, "GET", "/v1/identities/{type}/{value}",
                ApiOperation.variablesOf("/v1/identities/{type}/{value}"), List.of());

        assertThat(identities.pathVariables()).containsExactly("type", "value");
        assertThat(identities.collectionOf("type")).isEqualTo("identities");
        assertThat(identities.collectionOf("value")).isEqualTo("{type}");
        assertThat(identities.key()).isEqualTo("GET /v1/identities/{type}/{value}");
    }

    @Test
    void shouldPutAWorkspacesResourcesIntoPathsAndQueriesAndOtherValuesForUnknownVariables() {
        ResourceIds ids = ResourceIds.missing();
        ApiOperation members = operation("GET", "/v1/segments/{id}/members", List.of("limit", "cursor"));
        ApiOperation lookup = operation("GET", "/v1/profiles/lookup", List.of("type", "value"));
        ApiOperation unknown = operation("DELETE", "/v1/widgets/{id}", List.of());

        assertThat(ids.pathOf(members)).isEqualTo("/v1/segments/" + ids.segmentId() + "/members");
        assertThat(ids.namedBy(members)).isTrue();
        assertThat(ids.pathOf(lookup)).isEqualTo("/v1/profiles/lookup?type=email&value="
                + ids.email().replace("@", "%40"));
        assertThat(ids.namedBy(lookup)).isFalse();
        assertThat(ids.pathOf(unknown)).startsWith("/v1/widgets/").doesNotContain("{id}");
        assertThat(ids.namedBy(unknown)).isFalse();
    }

    @Test
    void shouldListNoKnownFailures() {
        assertThat(KnownFailures.reason("token:WRONG_AUDIENCE GET /v1/sources")).isNull();
        assertThat(KnownFailures.reason("token:WRONG_ISSUER GET /v1/sources")).isNull();
        assertThat(KnownFailures.reason("cross-tenant GET /v1/sources/{id}")).isNull();
    }

    private static ApiOperation operation(String method, String path, List<String> query) {
        return new ApiOperation(PlatformService.SEGMENTATION, method, path, ApiOperation.variablesOf(path), query);
    }
}
