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

    /** The oldest Node.js the pinned SDKs and playwright-core support ({@code engines} in their package.json). */
    static final int NODE_MAJOR = 20;

    /** {@code node} (version {@value #NODE_MAJOR} or newer), or skips (fails when required) the calling test. */
    static Path node() {
        Path node = onPath("node").orElseGet(() -> missing("Node.js ('node') is not on the PATH; install Node.js "
                + NODE_MAJOR + "+ to run the Node and browser SDK tests"));
        String version = version(node);
        if (!version.matches("v\\d+\\..*") || Integer.parseInt(version.substring(1, version.indexOf('.'))) < NODE_MAJOR) {
            return missing("Node.js " + version + " at " + node + " is older than the SDKs need; install Node.js "
                    + NODE_MAJOR + "+ to run the Node and browser SDK tests");
        }
        return node;
    }

    private static String version(Path node) {
        try {
            Process process = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            process.waitFor();
            return out.strip();
        } catch (java.io.IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(unknown)";
        }
    }

    /** {@code npm}, or skips (fails when required) the calling test. */
    static Path npm() {
        return onPath("npm").orElseGet(() -> missing("npm is not on the PATH; install Node.js " + NODE_MAJOR + "+ with npm "
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
