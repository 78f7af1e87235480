package org.opencdp.sdkcompat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js side of the suite: {@code src/test/js} with its {@code package.json} and committed
 * {@code package-lock.json} (exact versions of every SDK), installed with {@code npm ci} from the npm
 * registry on first use (again only when the lock file changes), and the scripts that drive the SDKs.
 * npm keeps its cache where it always does ({@code ~/.npm}), never in the repository.
 */
final class NodeScripts {

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Path DIRECTORY = Path.of(System.getProperty("basedir", "."), "src", "test", "js")
            .toAbsolutePath().normalize();
    private static final Path INSTALLED_MARKER = DIRECTORY.resolve(".installed-lock-sha256");

    private final Path node;

    private NodeScripts(Path node) {
        this.node = node;
    }

    /** The scripts, with the SDKs installed; skips (fails when required) without node and npm. */
    static synchronized NodeScripts installed() {
        Path node = Runtimes.node();
        Path npm = Runtimes.npm();
        String lock = sha256(DIRECTORY.resolve("package-lock.json"));
        if (!Files.isDirectory(DIRECTORY.resolve("node_modules")) || !lock.equals(read(INSTALLED_MARKER))) {
            Finished install = run(new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund",
                    "--ignore-scripts"), INSTALL_TIMEOUT);
            assertThat(install.exitCode()).as("npm ci in %s:\n%s", DIRECTORY, install.output()).isZero();
            write(INSTALLED_MARKER, lock);
        }
        return new NodeScripts(node);
    }

    /** Runs {@code script} with {@code arguments} to the end; its exit code and output (stdout and stderr). */
    Finished run(String script, Duration timeout, String... arguments) {
        return run(command(script, arguments), timeout);
    }

    /** Starts {@code script}; it runs until it ends by itself or {@link Running#close} closes its stdin. */
    Running start(String script, String... arguments) {
        try {
            Process process = command(script, arguments).redirectErrorStream(true).start();
            return new Running(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessBuilder command(String script, String... arguments) {
        List<String> command = new ArrayList<>(List.of(node.toString(), script));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).directory(DIRECTORY.toFile());
    }

    private static Finished run(ProcessBuilder builder, Duration timeout) {
        try {
            Process process = builder.directory(DIRECTORY.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            CompletableFuture<String> output = readAll(process.getInputStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", builder.command()) + " did not finish within " + timeout
                        + ":\n" + output.getNow(""));
            }
            return new Finished(process.exitValue(), output.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> readAll(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script that ran to its end. */
    record Finished(int exitCode, String output) {
    }

    /** A script still running: its output line by line; {@link #close} closes its stdin and waits for its end. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader lines;

        private Running(Process process) {
            this.process = process;
            this.lines = process.inputReader(StandardCharsets.UTF_8);
        }

        /** The next line the script prints that starts with '{' (its result), within {@code timeout}. */
        String awaitJsonLine(Duration timeout) {
            StringBuilder seen = new StringBuilder();
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String next = lines.readLine(); next != null; next = lines.readLine()) {
                        if (next.startsWith("{")) {
                            return next;
                        }
                        seen.append(next).append('\n');
                    }
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                String result = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(result).as("the script's result; it printed:\n%s", seen).isNotNull();
                return result;
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no result within " + timeout + "; the script printed:\n" + seen, e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
