package org.opencdp.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.opencdp.local.FaultProcesses;
import org.opencdp.local.LocalPlatformSettings;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;

/**
 * The platform as separate processes, so that faults are real: each of the six services in a JVM of
 * its own (started with this JVM's classpath, {@link FaultProcesses.ServiceMain}), Kafka in a JVM of
 * its own ({@link FaultProcesses.KafkaMain}; stopped and started on the same port and log directory)
 * and PostgreSQL as its own server process (cdp-local's embedded one; stopped and started on the same
 * data directory). Ports are chosen once, so a restarted process is found where it was.
 *
 * <p>One platform serves every test of the JVM ({@link #shared()}); each test works in a workspace of
 * its own. Processes are stopped by a shutdown hook, and halt by themselves if this JVM dies.
 * Logs: {@code target/faults/logs/<service>.log}.
 */
final class FaultPlatform {

    /** How long a process may take to start: {@code -Dfaults.start-timeout}, 10 minutes (two busy cores saw 5). */
    private static final Duration START_TIMEOUT = Duration.parse(System.getProperty("faults.start-timeout", "PT10M"));
    private static FaultPlatform shared;

    private final Path directory;
    private final int kafkaPort = freePort();
    private final int controllerPort = freePort();
    private final int postgresPort = freePort();
    private final String jwtSecret;
    private final Map<PlatformService, Process> services = new EnumMap<>(PlatformService.class);
    private String classpath;
    private LocalPlatformSettings settings;
    private FaultProcesses.Postgres postgres;
    private Process kafka;

    private FaultPlatform(Path directory) {
        this.directory = directory;
        byte[] secret = new byte[32];
        ThreadLocalRandom.current().nextBytes(secret);
        this.jwtSecret = HexFormat.of().formatHex(secret);
    }

    /** The platform of this JVM, started on first use (a fresh data directory under target/faults). */
    static synchronized FaultPlatform shared() {
        if (shared == null) {
            Path directory = Path.of(System.getProperty("faults.directory", "target/faults"), "run-" + System.currentTimeMillis());
            FaultPlatform platform = new FaultPlatform(directory.toAbsolutePath());
            Runtime.getRuntime().addShutdownHook(new Thread(platform::stopAll, "faults-stop-platform"));
            platform.startAll();
            shared = platform;
        }
        return shared;
    }

    private void startAll() {
        try {
            Files.createDirectories(directory.resolve("logs"));
            classpath = privateClasspath();
            startPostgres();
            startKafka();
            Map<PlatformService, Integer> ports = new EnumMap<>(PlatformService.class);
            for (PlatformService service : PlatformService.values()) {
                ports.put(service, freePort());
            }
            settings = new LocalPlatformSettings("127.0.0.1:" + kafkaPort, postgres.jdbcUrl(), postgres.user(), "",
                    jwtSecret, ports, Map.of(
                            "cdp.kit.kafka.partitions", "3",
                            "cdp.kit.outbox.poll-interval", "50ms",
                            "spring.datasource.hikari.maximum-pool-size", "5",
                            // a destination down for long is retried at least this often, so "after" is minutes, not an hour
                            "cdp.activation.retry-max-delay", System.getProperty("faults.retry-max-delay", "PT1M")));
            // one after the other: six JVMs starting at once on two cores take longer than in turn
            for (PlatformService service : PlatformService.values()) {
                startService(service);
                awaitReady(service);
            }
        } catch (IOException e) {
            stopAll();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stopAll();
            throw e;
        }
    }

    String jwtSecret() {
        return jwtSecret;
    }

    String jdbcUrl() {
        return settings.jdbcUrl();
    }

    String jdbcUser() {
        return settings.jdbcUser();
    }

    String bootstrapServers() {
        return settings.kafkaBootstrapServers();
    }

    URI url(PlatformService service) {
        return URI.create("http://localhost:" + settings.port(service));
    }

    ApiClient api(PlatformService service) {
        return ApiClient.at(url(service).toString());
    }

    /** Starts {@code service}'s JVM (it must not be running); {@link #awaitReady} waits for it. */
    synchronized void startService(PlatformService service) {
        List<String> command = new ArrayList<>(javaCommand(FaultProcesses.ServiceMain.class, "-Xmx384m"));
        command.add(service.name());
        command.addAll(FaultProcesses.serviceArguments(service, settings));
        services.put(service, launch(command, service.shortName()));
    }

    /** kill -9 of {@code service}'s JVM; returns once it is gone. */
    synchronized void kill(PlatformService service) {
        Process process = services.remove(service);
        if (process != null) {
            process.destroyForcibly();
            awaitExit(process);
        }
    }

    /** Waits until {@code service} answers its readiness probe (HTTP up, migrated, listeners running). */
    void awaitReady(PlatformService service) {
        URI readiness = url(service).resolve("/actuator/health/readiness");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            Process process = services.get(service);
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException(service.serviceName() + " exited during start; see " + log(service.shortName()));
            }
            if (status(readiness) == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service.serviceName() + " not ready after " + START_TIMEOUT + "; see "
                        + log(service.shortName()));
            }
            sleep(500);
        }
    }

    /** Starts the broker on its port and log directory and waits until it takes clients. */
    synchronized void startKafka() {
        List<String> command = new ArrayList<>(javaCommand(FaultProcesses.KafkaMain.class, "-Xmx512m"));
        command.addAll(List.of(directory.resolve("kafka").toString(), Integer.toString(kafkaPort),
                Integer.toString(controllerPort)));
        kafka = launch(command, "kafka");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (Files.readString(log("kafka")).contains("Kafka ready on")) {
                    return;
                }
            } catch (IOException ignored) {
                // not written yet
            }
            if (!kafka.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka did not start; see " + log("kafka"));
            }
            sleep(200);
        }
    }

    /** Stops the broker in an orderly way (SIGTERM: its shutdown hook closes the log) and waits for it. */
    synchronized void stopKafka() {
        if (kafka != null) {
            kafka.destroy();
            if (!awaitExit(kafka)) {
                kafka.destroyForcibly();
                awaitExit(kafka);
            }
            kafka = null;
        }
    }

    synchronized void startPostgres() throws IOException {
        postgres = FaultProcesses.startPostgres(directory.resolve("postgres"), postgresPort);
    }

    /** Stops PostgreSQL (fast shutdown: every session is ended, committed data kept). */
    synchronized void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    Path log(String name) {
        return directory.resolve("logs").resolve(name + ".log");
    }

    private synchronized void stopAll() {
        for (PlatformService service : List.of(PlatformService.values()).reversed()) {
            Process process = services.remove(service);
            if (process != null) {
                process.destroy();
                if (!awaitExit(process)) {
                    process.destroyForcibly();
                }
            }
        }
        stopKafka();
        try {
            stopPostgres();
        } catch (IOException e) {
            System.err.println("faults: could not stop PostgreSQL: " + e.getMessage());
        }
    }

    private List<String> javaCommand(Class<?> main, String heap) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-D" + FaultProcesses.PARENT + "=" + ProcessHandle.current().pid(), "-cp", classpath));
        if (Runtime.version().feature() >= 24) {
            command.add(1, "--sun-misc-unsafe-memory-access=allow");
        }
        command.add(main.getName());
        return command;
    }

    /**
     * This JVM's classpath with the platform's own jars (org/opencdp in the local repository) copied
     * into the run's directory: an {@code install} by someone else during the run must not replace a
     * jar a service is about to be restarted from.
     */
    private String privateClasspath() throws IOException {
        // surefire/failsafe run tests with a manifest-only jar; the real classpath is in this property
        String original = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path jars = Files.createDirectories(directory.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        for (String entry : original.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (entry.endsWith(".jar") && entry.contains(File.separator + "org" + File.separator + "opencdp" + File.separator)) {
                Path copy = jars.resolve(path.getFileName());
                Files.copy(path, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private Process launch(List<String> command, String logName) {
        try {
            File logFile = log(logName).toFile();
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile)).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + logName, e);
        }
    }

    private static boolean awaitExit(Process process) {
        try {
            return process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
