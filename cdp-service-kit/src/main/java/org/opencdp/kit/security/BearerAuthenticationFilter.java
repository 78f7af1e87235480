package org.opencdp.kit.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.opencdp.kit.problem.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Requires a valid bearer token on every path but the public ones, and hands the verified {@link
 * Caller} to controllers. Failures answer 401 problem details with {@code WWW-Authenticate}.
 */
class BearerAuthenticationFilter extends OncePerRequestFilter {

    static final String CALLER_ATTRIBUTE = Caller.class.getName();
    private static final List<String> ALWAYS_PUBLIC = List.of("/actuator/**", "/v3/api-docs", "/v3/api-docs/**",
            "/swagger-ui.html", "/swagger-ui/**", "/error");

    private final JwtVerifier verifier;
    private final List<PathPattern> publicPaths;

    BearerAuthenticationFilter(JwtVerifier verifier, List<String> extraPublicPaths) {
        this.verifier = verifier;
        PathPatternParser parser = PathPatternParser.defaultInstance;
        this.publicPaths = java.util.stream.Stream.concat(ALWAYS_PUBLIC.stream(), extraPublicPaths.stream())
                .map(parser::parse).toList();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if ("OPTIONS".equals(request.getMethod())) {
            return true;
        }
        PathContainer path = PathContainer.parsePath(request.getRequestURI().substring(request.getContextPath().length()));
        return publicPaths.stream().anyMatch(pattern -> pattern.matches(path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reject(request, response, "missing_token", "This endpoint needs an 'Authorization: Bearer <token>' header.");
            return;
        }
        try {
            request.setAttribute(CALLER_ATTRIBUTE, verifier.verify(header.substring(7).trim(),
                    request.getHeader(ServiceCredentials.WORKSPACE_HEADER)));
        } catch (JwtVerifier.InvalidTokenException e) {
            reject(request, response, "invalid_token", e.getMessage());
            return;
        }
        chain.doFilter(request, response);
    }

    private static void reject(HttpServletRequest request, HttpServletResponse response, String code, String detail)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        Problems.write(response, 401, code, "Unauthorized", detail, request.getRequestURI());
    }
}
