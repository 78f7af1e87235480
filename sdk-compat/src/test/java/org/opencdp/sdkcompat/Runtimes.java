package org.opencdp.sdkcompat;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * The runtimes the SDK suite drives SDKs with: Node.js (with npm) and Chromium. On a machine
 * without one, the tests that need it are skipped, saying which and how to get it; with {@code
 * CDP_SDK_SUITE_REQUIRED=1} (CI, see {@code .ci/run}) they fail instead, so CI never passes without
 * having run them.
 *
 * <p>Each check reads the environment through a parameter ({@code System::getenv} in the suite), so
 * that the decision itself is unit-tested ({@code RuntimesTest}) without any runtime.
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
        return node(System::getenv);
    }

    static Path node(UnaryOperator<String> env) {
        Path node = onPath("node", env).orElseGet(() -> missing(env, "Node.js ('node') is not on the PATH; install Node.js "
                + NODE_MAJOR + "+ to run the Node and browser SDK tests"));
        String version = version(node);
        if (!version.matches("v\\d+\\..*") || Integer.parseInt(version.substring(1, version.indexOf('.'))) < NODE_MAJOR) {
            return missing(env, "Node.js " + version + " at " + node + " is older than the SDKs need; install Node.js "
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
        return npm(System::getenv);
    }

    static Path npm(UnaryOperator<String> env) {
        return onPath("npm", env).orElseGet(() -> missing(env, "npm is not on the PATH; install Node.js " + NODE_MAJOR + "+ with npm "
                + "to run the Node and browser SDK tests"));
    }

    /** Chromium's executable, or skips (fails when required) the calling test. */
    static Path chromium() {
        return chromium(System::getenv);
    }

    static Path chromium(UnaryOperator<String> env) {
        String configured = env.apply(CHROMIUM);
        Path chromium = Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
        if (!Files.isExecutable(chromium)) {
            return missing(env, "Chromium is not at " + chromium + "; install it ('apt-get install chromium' on Debian, "
                    + "as .ci/run does) or set " + CHROMIUM + " to run the browser SDK tests");
        }
        return chromium;
    }

    static boolean required(UnaryOperator<String> env) {
        return "1".equals(env.apply(REQUIRED)) || "true".equalsIgnoreCase(env.apply(REQUIRED));
    }

    /** Skips the calling test saying why, or fails it when the suite is required. */
    static <T> T missing(UnaryOperator<String> env, String reason) {
        if (required(env)) {
            fail(reason + " (" + REQUIRED + " is set, so the SDK suite must run)");
        }
        Assumptions.abort(reason);
        throw new IllegalStateException("unreachable");
    }

    private static Optional<Path> onPath(String command, UnaryOperator<String> env) {
        String path = env.apply("PATH");
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
