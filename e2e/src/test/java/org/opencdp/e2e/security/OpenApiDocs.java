package org.opencdp.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;
import tools.jackson.databind.JsonNode;

/**
 * The management operations of a running service, read from its {@code /v3/api-docs}: every path and
 * method except the public ones, which authenticate otherwise or not at all.
 */
final class OpenApiDocs {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    /**
     * Paths served without a bearer token: the Tracking API (write keys; {@code /beacon/v1/batch} for
     * {@code navigator.sendBeacon}) and the SDK settings it serves to analytics.js, the kit's {@code /error}, actuator and the OpenAPI documents themselves.
     */
    static final List<Pattern> PUBLIC_PATHS = List.of(
            Pattern.compile("/v1/(identify|track|page|screen|group|alias|batch|import|[itpsgab])/?"),
            Pattern.compile("/beacon/v1/batch/?"),
            Pattern.compile("/v1/projects/\\{[^}]+}/settings/?"),
            Pattern.compile("/sourceConfig/?"),
            Pattern.compile("/error"),
            Pattern.compile("/actuator(/.*)?"),
            Pattern.compile("/v3/api-docs(/.*)?"));

    private OpenApiDocs() {
    }

    /** The management operations {@code service} documents, sorted by path and method. */
    static List<ApiOperation> managementOperations(PlatformService service, ApiClient api) {
        JsonNode docs = ApiClient.body(api.get("/v3/api-docs", null), 200);
        assertThat(docs.path("paths").isObject()).as("paths of %s's OpenAPI document", service).isTrue();
        List<ApiOperation> operations = new ArrayList<>();
        docs.path("paths").properties().forEach(path -> {
            if (isPublic(path.getKey())) {
                return;
            }
            path.getValue().properties().forEach(method -> {
                if (!METHODS.contains(method.getKey())) {
                    return;
                }
                List<String> query = new ArrayList<>();
                List<String> pathVariables = new ArrayList<>();
                method.getValue().path("parameters").forEach(parameter -> {
                    switch (parameter.path("in").asString()) {
                        case "query" -> query.add(parameter.path("name").asString());
                        case "path" -> pathVariables.add(parameter.path("name").asString());
                        default -> { }
                    }
                });
                assertThat(pathVariables).as("path parameters of %s %s", method.getKey(), path.getKey())
                        .containsExactlyInAnyOrderElementsOf(ApiOperation.variablesOf(path.getKey()));
                operations.add(new ApiOperation(service, method.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                        ApiOperation.variablesOf(path.getKey()), query));
            });
        });
        operations.sort(Comparator.comparing(ApiOperation::path).thenComparing(ApiOperation::method));
        return operations;
    }

    static boolean isPublic(String path) {
        return PUBLIC_PATHS.stream().anyMatch(pattern -> pattern.matcher(path).matches());
    }
}
