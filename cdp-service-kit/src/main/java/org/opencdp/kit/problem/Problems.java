package org.opencdp.kit.problem;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.opencdp.contracts.MessageCodec;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 9457 problem documents: a stable {@code type} URI per {@code code}, documented in
 * docs/errors.md. Also writes problems from servlet filters, which run outside Spring MVC.
 */
public final class Problems {

    /** Base of every problem {@code type}; the code is appended. */
    public static final String TYPE_BASE = "https://opencdp.dev/problems/";

    public static URI type(String code) {
        return URI.create(TYPE_BASE + code);
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(code));
        problem.setTitle(title);
        problem.setProperty("code", code);
        return problem;
    }

    /** The standard code of a status that has no more specific one ({@code not_found}, …). */
    public static String codeOf(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limited";
            case 503 -> "unavailable";
            default -> status.is5xxServerError() ? "internal_error" : "http_" + status.value();
        };
    }

    /** Writes a problem straight to a servlet response (for filters). */
    public static void write(HttpServletResponse response, int status, String code, String title, String detail,
                             String instance) throws IOException {
        ObjectNode body = MessageCodec.mapper().createObjectNode();
        body.put("type", TYPE_BASE + code);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("code", code);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body.toString());
    }

    private Problems() {
    }
}
