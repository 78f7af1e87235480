package org.opencdp.local;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileLock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.opencdp.kit.security.TokenIssuer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./cdp up}: checks the ports, starts PostgreSQL and Kafka (concurrently), then the six
 * services, waits until each answers UP, sets up the demo workspace, prints the banner and runs
 * until Ctrl-C, when a shutdown hook stops everything in reverse order.
 */
final class PlatformLauncher {

    private static final Duration MANAGEMENT_TOKEN_TTL = Duration.ofHours(24);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(30);

    private final Command.Up up;
    private final PrintStream out;
    private final DataDirectory data;
    private final Resources resources;
    private Logger log;

    PlatformLauncher(Command.Up up, PrintStream out) {
        this.up = up;
        this.out = out;
        this.data = new DataDirectory(up.dataDir());
        this.resources = new Resources(this::progress);
    }

    /** Starts everything and blocks until the JVM is asked to stop. */
    void run() throws IOException, InterruptedException {
        data.create();
        FileLock lock = data.tryLock();
        if (lock == null) {
            throw new LauncherException("Another ./cdp up is already running on " + data.root()
                    + " (it holds " + DataDirectory.LOCK + "). Stop it first, or use --data-dir for a second platform.");
        }
        try {
            prepare();
            Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "cdp-shutdown"));
            start();
        } catch (RuntimeException | IOException e) {
            LauncherLogging.errorsOnlyOnConsole();
            resources.closeAll();
            lock.channel().close();
            if (e instanceof LocalPlatform.ServiceStartException failed) {
                throw new LauncherException(failed.getMessage() + "\nThe full stack trace is in " + data.logFile(),
                        failed);
            }
            throw e;
        }
        new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook does the rest
    }

    /** Wipes for --fresh, opens the log file, stops a leftover PostgreSQL and checks the ports. */
    private void prepare() throws IOException {
        if (up.fresh()) {
            data.wipe();
            out.println("Wiped " + data.root() + " (--fresh).");
        }
        LauncherLogging.toFile(data.logFile(), up.json());
        log = LoggerFactory.getLogger(PlatformLauncher.class);
        LocalPostgres.stopLeftover(data.postgres());
        List<PortCheck.WantedPort> taken = PortCheck.taken(PortCheck.wantedBy(up));
        if (!taken.isEmpty()) {
            throw new LauncherException(PortCheck.describe(taken));
        }
    }

    private void start() throws IOException {
        String secret = data.secretCreatingIfMissing();
        progress("Starting PostgreSQL on port " + up.postgresPort() + " and Kafka on port " + up.kafkaPort()
                + " (data in " + data.root() + ")…");
        // own threads, not the common pool: they must inherit this thread's class loader (the fat jar's)
        ExecutorService infrastructure = Executors.newFixedThreadPool(2);
        CompletableFuture<LocalPostgres> postgres = CompletableFuture.supplyAsync(() -> {
            LocalPostgres started = resources.add("PostgreSQL",
                    unchecked(() -> LocalPostgres.start(data.postgres(), up.postgresPort())));
            progress(String.format(Locale.ROOT, "  PostgreSQL ready on %s (%.1f s)", started.jdbcUrl(), sinceLaunch()));
            return started;
        }, infrastructure);
        CompletableFuture<LocalKafka> kafka = CompletableFuture.supplyAsync(() -> {
            LocalKafka started = resources.add("Kafka",
                    unchecked(() -> LocalKafka.start(data.kafka(), up.kafkaPort(), up.kafkaControllerPort())));
            progress(String.format(Locale.ROOT, "  Kafka ready on %s (%.1f s)", started.bootstrapServers(),
                    sinceLaunch()));
            return started;
        }, infrastructure);
        infrastructure.shutdown();
        CompletableFuture.allOf(postgres, kafka).exceptionally(e -> null).join();
        LocalPostgres database = join(postgres, "PostgreSQL");
        LocalKafka broker = join(kafka, "Kafka");

        LocalPlatformSettings settings = new LocalPlatformSettings(broker.bootstrapServers(), database.jdbcUrl(),
                LocalPostgres.USER, "", secret, up.ports(),
                Map.of("cdp.activation.encryption-key", data.encryptionKeyCreatingIfMissing()));
        progress("Starting the six services (logs in " + data.logFile() + ")…");
        LocalPlatform platform = resources.add("the services", new LocalPlatform(settings));
        platform.startServices((service, url, took) -> progress(String.format(Locale.ROOT,
                "  %-21s %-23s started in %4.1f s  (%.1f s)", service.serviceName(), url,
                took.toMillis() / 1000.0, sinceLaunch())));

        Map<PlatformService, URI> urls = new EnumMap<>(PlatformService.class);
        for (PlatformService service : PlatformService.values()) {
            urls.put(service, platform.url(service));
        }
        awaitHealthy(urls);
        Duration startup = Duration.ofMillis((long) (sinceLaunch() * 1000));
        log.info("All six services UP {} ms after launch", startup.toMillis());

        TokenIssuer tokens = new TokenIssuer(secret);
        DemoWorkspace.Outcome demo = new DemoWorkspace(urls.get(PlatformService.INGESTION), tokens,
                data.demoFile()).ensure();
        String token = tokens.issue(DemoWorkspace.WORKSPACE, Command.ALL_SCOPES, "cdp-local", MANAGEMENT_TOKEN_TTL);
        out.print(Banner.render(new Banner.Facts(urls, startup, broker.bootstrapServers(), database.jdbcUrl(), data,
                demo, token, MANAGEMENT_TOKEN_TTL)));
        out.flush();
    }

    /** Waits until every service's {@code /actuator/health} answers 200 with status UP. */
    private void awaitHealthy(Map<PlatformService, URI> urls) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
        for (Map.Entry<PlatformService, URI> entry : urls.entrySet()) {
            URI health = entry.getValue().resolve("/actuator/health");
            String last = "no answer";
            while (true) {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(health)
                            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    last = response.statusCode() + " " + response.body();
                    if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"status\":\"UP\"")) {
                        break;
                    }
                } catch (IOException e) {
                    last = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while waiting for " + health, e);
                }
                if (System.nanoTime() > deadline) {
                    throw new LauncherException(entry.getKey().serviceName() + " is not healthy after "
                            + HEALTH_TIMEOUT.toSeconds() + " s: " + health + " answered " + last
                            + ". See " + data.logFile());
                }
                sleep(250);
            }
        }
    }

    private void shutdown() {
        if (resources.closing()) {
            return; // a failed start already stopped everything
        }
        LauncherLogging.errorsOnlyOnConsole();
        progress("\nStopping OpenCDP…");
        resources.closeAll();
        progress("Stopped. Data kept in " + data.root() + " (./cdp up --fresh starts from scratch).");
    }

    private synchronized void progress(String line) {
        out.println(line);
        out.flush();
        if (log != null && !line.isBlank()) {
            log.info(line.strip());
        }
    }

    private static double sinceLaunch() {
        return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    }

    private static <T> T join(CompletableFuture<T> future, String what) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LauncherException launcher) {
                throw launcher;
            }
            Throwable reported = cause instanceof java.io.UncheckedIOException io ? io.getCause() : cause;
            throw new LauncherException(what + " did not start: " + reported.getMessage(), reported);
        }
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T unchecked(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }
}
