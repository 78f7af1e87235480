package org.opencdp.local;

/** A failure the user can act on: printed as its message alone, and the launcher exits non-zero. */
final class LauncherException extends RuntimeException {

    /** Exit code for wrong arguments. */
    static final int USAGE = 2;
    /** Exit code for everything else that stops the launcher. */
    static final int FAILURE = 1;

    private final int exitCode;

    LauncherException(String message) {
        this(message, FAILURE);
    }

    LauncherException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    LauncherException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = FAILURE;
    }

    int exitCode() {
        return exitCode;
    }
}
