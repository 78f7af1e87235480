package org.opencdp.sdkcompat;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The runtimes the SDK suite drives SDKs with: Node.js (with npm) and Chromium. On a machine
 * without one, the tests that need it are skipped, saying which and how to get it; with {@code
 * CDP_SDK_SUITE_REQUIRED=1} (CI, see {@code .ci/run}) they fail instead, so CI never passes without
 * having run them.
 */
final class Runtimes {

    static final String REQUIRED = "CDP_SDK_SUITE_REQUIRED";
    /** Overrides where Chromium is; {@code /usr/bin/chromium} (Debian's {@code chromium} package) otherwise. */
    static final String CHROMIUM = "CDP_CHROMIUM";

    private Runtimes() {
    }

    /** {@code node}, or skips (fails when required) the calling test. */
    static Path node() {
        return onPath("node").orElseGet(() -> missing("Node.js ('node') is not on the PATH; install Node.js 18+ "
                + "to run the Node and browser SDK tests"));
    }

    /** {@code npm}, or skips (fails when required) the calling test. */
    static Path npm() {
        return onPath("npm").orElseGet(() -> missing("npm is not on the PATH; install Node.js 18+ with npm "
                + "to run the Node and browser SDK tests"));
    }

    /** Chromium's executable, or skips (fails when required) the calling test. */
    static Path chromium() {
        String configured = System.getenv(CHROMIUM);
        Path chromium = Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
        if (!Files.isExecutable(chromium)) {
            return missing("Chromium is not at " + chromium + "; install it ('apt-get install chromium' on Debian, "
                    + "as .ci/run does) or set " + CHROMIUM + " to run the browser SDK tests");
        }
        return chromium;
    }

    static boolean required() {
        return "1".equals(System.getenv(REQUIRED)) || "true".equalsIgnoreCase(System.getenv(REQUIRED));
    }

    private static <T> T missing(String reason) {
        if (required()) {
            fail(reason + " (" + REQUIRED + " is set, so the SDK suite must run)");
        }
        Assumptions.abort(reason);
        throw new IllegalStateException("unreachable");
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
