package org.opencdp.kit.problem;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure a caller can act on: a kind (which becomes the HTTP status at the edge), a stable
 * {@code code} (which becomes the problem type), a title and a detail. It carries no HTTP types;
 * {@link ProblemDetailsAdvice} turns it into RFC 9457 problem details.
 */
public class CdpException extends RuntimeException {

    private final ErrorKind kind;
    private final String code;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Duration retryAfter;
    private String challenge;

    public CdpException(ErrorKind kind, String code, String title, String detail) {
        super(detail);
        this.kind = kind;
        this.code = code;
        this.title = title;
    }

    public static CdpException notFound(String what, String id) {
        return new CdpException(ErrorKind.NOT_FOUND, what + "_not_found", capitalise(what) + " not found",
                "No " + what.replace('_', ' ') + " '" + id + "' in this workspace.");
    }

    public static CdpException badRequest(String code, String detail) {
        return new CdpException(ErrorKind.BAD_REQUEST, code, "Invalid request", detail);
    }

    public static CdpException conflict(String code, String detail) {
        return new CdpException(ErrorKind.CONFLICT, code, "Conflict", detail);
    }

    public static CdpException unauthorized(String code, String detail) {
        return new CdpException(ErrorKind.UNAUTHORIZED, code, "Unauthorized", detail);
    }

    public static CdpException forbidden(String code, String detail) {
        return new CdpException(ErrorKind.FORBIDDEN, code, "Forbidden", detail);
    }

    public static CdpException unavailable(String code, String detail, Duration retryAfter) {
        return new CdpException(ErrorKind.UNAVAILABLE, code, "Service unavailable", detail).retryAfter(retryAfter);
    }

    /** Adds a member to the problem document (e.g. {@code errors}, {@code limit}). */
    public CdpException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Sets the {@code Retry-After} the caller should honour. */
    public CdpException retryAfter(Duration delay) {
        this.retryAfter = delay;
        return this;
    }

    /** Sets the {@code WWW-Authenticate} challenge of a 401 (default {@code Bearer}). */
    public CdpException challenge(String scheme) {
        this.challenge = scheme;
        return this;
    }

    public String challengeOrNull() {
        return challenge;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public Duration retryAfterOrNull() {
        return retryAfter;
    }

    private static String capitalise(String what) {
        String words = what.replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
