package org.opencdp.kit.security;

import java.util.List;

/**
 * Path patterns a service serves without a bearer token (e.g. the Tracking API, which authenticates
 * with write keys). Declare one as a bean next to the controller that serves them, so the paths are
 * written once, in code; the kit's filter lets them through besides actuator, OpenAPI, Swagger UI, {@code
 * /error} and {@code cdp.kit.security.public-paths}.
 *
 * @param patterns Spring {@code PathPattern}s, e.g. {@code /v1/projects/{writeKey}/settings}
 */
public record PublicPaths(List<String> patterns) {

    public PublicPaths {
        patterns = List.copyOf(patterns);
    }

    public static PublicPaths of(List<String> patterns) {
        return new PublicPaths(patterns);
    }
}
