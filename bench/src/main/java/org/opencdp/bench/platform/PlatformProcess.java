package org.opencdp.bench.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;

/**
 * The platform under test: either {@code ./cdp up} started by the bench as a child process (its own
 * JVM, on free ports, with a fresh data directory), or a platform already running. Either way, where
 * its services, broker, JVM and PostgreSQL are, and a management token for the bench's workspace.
 */
final class PlatformProcess implements AutoCloseable {

    static final String WORKSPACE = "bench";
    static final String ALL_SCOPES = String.join(" ", Scopes.ALL);
    private static final Duration STARTUP = Duration.ofMinutes(15);

    private final Map<String, URI> urls;
    private final String kafka;
    private final String token;
    private final OptionalLong jvmPid;
    private final OptionalLong postgresPid;
    private final Process process;
    private final Path dataDir;
    private final boolean deleteData;
    private final String description;

    private PlatformProcess(Map<String, URI> urls, String kafka, String token, OptionalLong jvmPid,
                            OptionalLong postgresPid, Process process, Path dataDir, boolean deleteData,
                            String description) {
        this.urls = urls;
        this.kafka = kafka;
        this.token = token;
        this.jvmPid = jvmPid;
        this.postgresPid = postgresPid;
        this.process = process;
        this.dataDir = dataDir;
        this.deleteData = deleteData;
        this.description = description;
    }

    /**
     * Runs {@code ./cdp up --fresh} on free ports and waits for its banner: the launcher jar that
     * {@code ./cdp bench} has just built, copied into the data directory (so a rebuild during the run
     * cannot replace it under the running JVM) and run by this JDK with the options {@code ./cdp} uses.
     */
    static PlatformProcess start(PlatformOptions options) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("cdp.home", ".")).toAbsolutePath().normalize();
        Path jar;
        try (Stream<Path> jars = Files.list(home.resolve("cdp-local").resolve("target"))) {
            jar = jars.filter(path -> path.getFileName().toString().matches("cdp-local-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No cdp-local jar under " + home
                            + "/cdp-local/target: run the bench with ./cdp bench (it builds one), or pass --url"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("No cdp-local/target under " + home + ": run the bench with ./cdp bench, or pass --url");
        }
        Path dataDir = options.dataDir() != null ? options.dataDir().toAbsolutePath()
                : Files.createTempDirectory("cdp-bench-");
        Files.createDirectories(dataDir);
        Path copy = Files.copy(jar, dataDir.resolve("cdp-local-bench.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String java = ProcessHandle.current().info().command().orElse("java");
        int kafkaPort = freePortPair();
        List<String> command = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow"); // as ./cdp does: Kafka still uses sun.misc.Unsafe
        }
        command.addAll(List.of("-Dcdp.home=" + home, "-jar", copy.toString(), "up", "--data-dir", dataDir.toString(),
                "--fresh", "--kafka-port", "" + kafkaPort, "--postgres-port", "" + freePort()));
        Map<String, URI> urls = new LinkedHashMap<>();
        for (String service : PlatformOptions.SERVICES) {
            int port = freePort();
            command.addAll(List.of("--" + service + "-port", "" + port));
            urls.put(service, URI.create("http://localhost:" + port));
        }
        Path console = dataDir.resolve("platform-console.log");
        System.out.println("Starting the platform: " + String.join(" ", command));
        System.out.println("  (its console: " + console + ")");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(console.toFile()).start();
        try {
            awaitBanner(process, console);
        } catch (IOException | RuntimeException | InterruptedException e) {
            stop(process);
            throw e;
        }
        String secret = Files.readString(dataDir.resolve("secret"), StandardCharsets.UTF_8).trim();
        String token = new TokenIssuer(secret).issue(WORKSPACE, ALL_SCOPES, "cdp-bench", Duration.ofHours(12));
        return new PlatformProcess(urls, "127.0.0.1:" + kafkaPort, token, OptionalLong.of(process.pid()),
                postmaster(dataDir), process, dataDir, options.dataDir() == null && !options.keepData(),
                "cdp up started by the bench (pid " + process.pid() + ", data in " + dataDir + ")");
    }

    /** A platform already running at {@code --url}. */
    static PlatformProcess attach(PlatformOptions options) throws IOException {
        Map<String, URI> urls = new LinkedHashMap<>();
        for (String service : PlatformOptions.SERVICES) {
            URI base = options.url();
            urls.put(service, URI.create(base.getScheme() + "://" + base.getHost() + ":" + options.ports().get(service)));
        }
        String token = options.token();
        OptionalLong postgres = OptionalLong.empty();
        if (options.dataDir() != null) {
            postgres = postmaster(options.dataDir());
            if (token == null) {
                String secret = Files.readString(options.dataDir().resolve("secret"), StandardCharsets.UTF_8).trim();
                token = new TokenIssuer(secret).issue(WORKSPACE, ALL_SCOPES, "cdp-bench", Duration.ofHours(12));
            }
        }
        if (token == null) {
            throw new IllegalArgumentException("With --url, give --token (all scopes) or the platform's --data-dir");
        }
        OptionalLong jvm = options.platformPid().isPresent() ? options.platformPid() : findLauncherJvm();
        return new PlatformProcess(urls, options.kafka(), token, jvm, postgres, null, null, false,
                "running platform at " + options.url() + (jvm.isPresent() ? " (pid " + jvm.getAsLong() + ")" : ""));
    }

    URI url(String service) {
        return urls.get(service);
    }

    String kafka() {
        return kafka;
    }

    String token() {
        return token;
    }

    /** The workspace the token is for (its {@code ws} claim). */
    String workspace() {
        try {
            String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
            return MessageCodec.mapper().readTree(payload).path("ws").asString(WORKSPACE);
        } catch (RuntimeException e) {
            return WORKSPACE;
        }
    }

    OptionalLong jvmPid() {
        return jvmPid;
    }

    OptionalLong postgresPid() {
        return postgresPid;
    }

    String description() {
        return description;
    }

    /** Stops the platform the bench started (Ctrl-C's path: its shutdown hook stops everything) and deletes its data. */
    @Override
    public void close() throws IOException {
        if (process == null) {
            return;
        }
        System.out.println("Stopping the platform…");
        stop(process);
        if (deleteData && dataDir != null) {
            try (Stream<Path> walk = Files.walk(dataDir)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException | UncheckedIOException e) {
                System.out.println("  could not delete " + dataDir + ": " + e.getMessage());
            }
        }
    }

    private static void awaitBanner(Process process, Path console) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
            if (text.contains("OpenCDP is running")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the platform exited with " + process.exitValue() + ":\n" + tail(text));
            }
            Thread.sleep(500); // polling a child's console: no event to wait on
        }
        throw new IllegalStateException("the platform did not print its banner within " + STARTUP.toMinutes() + " min:\n"
                + tail(Files.readString(console, StandardCharsets.UTF_8)));
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The postmaster's pid from {@code <data>/postgres/postmaster.pid}. */
    private static OptionalLong postmaster(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
            return OptionalLong.of(Long.parseLong(lines.getFirst().trim()));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The one JVM whose command line runs the cdp-local jar, if exactly one does. */
    private static OptionalLong findLauncherJvm() {
        List<Long> found = new ArrayList<>();
        try (var processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    String commandLine = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (commandLine.contains("cdp-local-") && commandLine.contains(".jar")) {
                        found.add(Long.parseLong(process.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return found.size() == 1 ? OptionalLong.of(found.getFirst()) : OptionalLong.empty();
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 30), lines.length));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    /** A free port N whose N+1 is free too (Kafka's controller listens on N+1). */
    private static int freePortPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort();
            if (port < 65_535) {
                try (ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("No two consecutive free ports");
    }
}
