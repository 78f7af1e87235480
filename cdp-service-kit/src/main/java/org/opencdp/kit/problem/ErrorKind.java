package org.opencdp.kit.problem;

/** The kinds of failure a caller can see; the edge maps each to one HTTP status. */
public enum ErrorKind {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    PAYLOAD_TOO_LARGE(413),
    UNPROCESSABLE(422),
    RATE_LIMITED(429),
    UNAVAILABLE(503);

    private final int status;

    ErrorKind(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
