package org.opencdp.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencdp.kit.logging.ServiceLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The six services running in this JVM, each as its own Spring Boot application on its own port,
 * all pointed at the Kafka, PostgreSQL and JWT secret of a {@link LocalPlatformSettings}. This is
 * what {@code ./cdp up} runs on its embedded infrastructure, and what the e2e tests run on theirs:
 *
 * <pre>{@code
 * var settings = new LocalPlatformSettings(kafkaBootstrapServers, jdbcUrl, jdbcUser, jdbcPassword,
 *         jwtSecret, LocalPlatformSettings.defaultPorts(), Map.of());
 * try (LocalPlatform platform = LocalPlatform.start(settings)) {
 *     URI ingestion = platform.url(PlatformService.INGESTION);   // http://localhost:8081
 *     ...
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #start} returns when every service has started (web server listening, Flyway
 *       migrated, listeners running), or throws a {@link ServiceStartException} naming the first
 *       service that failed, after closing the ones that had started.
 *   <li>Services start in {@link PlatformService} order: the first alone (it also initialises the
 *       logging system, which is not safe to do concurrently), then the other five concurrently
 *       (see {@link #START_THREADS}); the {@link StartupListener} hears of them in order.
 *   <li>Each service gets the settings as command-line arguments ({@code --server.port=…},
 *       {@code --spring.kafka.bootstrap-servers=…}, {@code --spring.datasource.url/username/password=…},
 *       {@code --cdp.kit.security.jwt-secret=…}; activation also {@code --cdp.activation.consent.url}
 *       pointing at this platform's consent-service and {@code --cdp.activation.network.allow} for
 *       loopback, so destinations may be local receivers; segmentation {@code --cdp.segmentation.profile.url}
 *       pointing at this platform's profile-service, for event nodes), then every {@code extraProperties} entry; so
 *       they win over the service's own yml, the kit's defaults and the {@code CDP_*} environment
 *       variables those defaults read. A port of {@code 0} is replaced by
 *       a free port before anything starts; {@link #url} gives the one chosen.
 *   <li>The services register no shutdown hooks: close the platform (try-with-resources, or your own
 *       hook). {@link #close} stops them in reverse order; their ports are free when it returns.
 *   <li>Each service opens a connection pool of its own (10 connections by default): on a
 *       PostgreSQL shared with other tests, pass a smaller {@code spring.datasource.hikari.maximum-pool-size}.
 * </ul>
 */
public final class LocalPlatform implements AutoCloseable {

    /** The addresses a local platform's destinations may reach besides public ones: this machine. */
    static final String LOOPBACK = "127.0.0.0/8,::1";

    /** Told, in {@link PlatformService} order, when each service is up. */
    @FunctionalInterface
    public interface StartupListener {
        void started(PlatformService service, URI url, Duration startupTime);
    }

    /**
     * System property: how many services (after the first) start at the same time; 5 (all) by
     * default, 1 starts them one after the other.
     */
    public static final String START_THREADS = "cdp.local.start-threads";

    private static final Logger log = LoggerFactory.getLogger(LocalPlatform.class);

    private final LocalPlatformSettings settings;
    private final Map<PlatformService, Integer> ports;
    private final Map<PlatformService, ConfigurableApplicationContext> running = new EnumMap<>(PlatformService.class);
    private boolean closed;

    LocalPlatform(LocalPlatformSettings settings) {
        this.settings = settings;
        this.ports = resolvePorts(settings.ports());
    }

    /** Starts the six services; see the class comment. */
    public static LocalPlatform start(LocalPlatformSettings settings) {
        return start(settings, (service, url, took) -> { });
    }

    /** Starts the six services, telling {@code listener} as each comes up (in order). */
    public static LocalPlatform start(LocalPlatformSettings settings, StartupListener listener) {
        LocalPlatform platform = new LocalPlatform(settings);
        platform.startServices(listener);
        return platform;
    }

    /** {@code http://localhost:<port>} of {@code service}. */
    public URI url(PlatformService service) {
        return URI.create("http://localhost:" + ports.get(service));
    }

    /** The settings given to {@link #start}. */
    public LocalPlatformSettings settings() {
        return settings;
    }

    /** Stops the services in reverse start order; their ports are free when this returns. */
    @Override
    public void close() {
        List<ConfigurableApplicationContext> toClose = new ArrayList<>();
        synchronized (running) {
            if (closed) {
                return;
            }
            closed = true;
            for (PlatformService service : List.of(PlatformService.values()).reversed()) {
                ConfigurableApplicationContext context = running.remove(service);
                if (context != null) {
                    toClose.add(context);
                }
            }
        }
        for (ConfigurableApplicationContext context : toClose) {
            try {
                context.close();
            } catch (RuntimeException e) {
                log.warn("Error while stopping {}", context.getId(), e);
            }
        }
    }

    /** The arguments {@code service} is run with: the settings as {@code --name=value}. */
    static List<String> arguments(PlatformService service, LocalPlatformSettings settings,
                                  Map<PlatformService, Integer> ports) {
        List<String> arguments = new ArrayList<>();
        arguments.add("--server.port=" + ports.get(service));
        arguments.add("--spring.kafka.bootstrap-servers=" + settings.kafkaBootstrapServers());
        arguments.add("--spring.datasource.url=" + settings.jdbcUrl());
        arguments.add("--spring.datasource.username=" + settings.jdbcUser());
        arguments.add("--spring.datasource.password=" + settings.jdbcPassword());
        arguments.add("--cdp.kit.security.jwt-secret=" + settings.jwtSecret());
        arguments.add("--spring.main.banner-mode=off");
        arguments.add("--springdoc.api-docs.enabled=true"); // said explicitly: the docs are wanted locally
        if (service == PlatformService.ACTIVATION) {
            arguments.add("--cdp.activation.consent.url=http://localhost:" + ports.get(PlatformService.CONSENT));
            // a local platform delivers to receivers on this machine; other private ranges and cloud metadata stay refused
            arguments.add("--cdp.activation.network.allow=" + LOOPBACK);
        }
        if (service == PlatformService.SEGMENTATION) {
            // event nodes of segments are hidden computed traits of this platform's profile-service
            arguments.add("--cdp.segmentation.profile.url=http://localhost:" + ports.get(PlatformService.PROFILE));
        }
        settings.extraProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
        return arguments;
    }

    void startServices(StartupListener listener) {
        PlatformService[] services = PlatformService.values();
        // the first alone: it also initialises the logging system, which is not safe to do concurrently
        PlatformService first = services[0];
        Duration firstTook;
        try {
            firstTook = startService(first);
        } catch (RuntimeException e) {
            close();
            throw new ServiceStartException(first, e);
        }
        listener.started(first, url(first), firstTook);

        AtomicInteger threads = new AtomicInteger();
        int others = services.length - 1;
        int parallelism = Math.max(1, Math.min(others, Integer.getInteger(START_THREADS, others)));
        ExecutorService executor = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "cdp-start-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<PlatformService, CompletableFuture<Duration>> starts = new EnumMap<>(PlatformService.class);
            for (int i = 1; i < services.length; i++) {
                PlatformService service = services[i];
                starts.put(service, CompletableFuture.supplyAsync(() -> startService(service), executor));
            }
            RuntimeException failure = null;
            for (PlatformService service : starts.keySet()) {
                try {
                    Duration took = starts.get(service).get();
                    if (failure == null) {
                        listener.started(service, url(service), took);
                    }
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new ServiceStartException(service, e.getCause());
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new IllegalStateException("Interrupted while starting the platform", e);
                    break;
                }
            }
            if (failure != null) {
                CompletableFuture.allOf(starts.values().toArray(CompletableFuture[]::new))
                        .exceptionally(e -> null).join();
                close();
                throw failure;
            }
        } finally {
            executor.shutdown();
        }
    }

    private Duration startService(PlatformService service) {
        synchronized (running) {
            if (closed) {
                throw new IllegalStateException("The platform was closed before " + service.serviceName()
                        + " started");
            }
        }
        long start = System.nanoTime();
        SpringApplicationBuilder application = service.application().registerShutdownHook(false);
        application.application().getAllSources().stream()
                .filter(Class.class::isInstance).map(Class.class::cast).findFirst()
                .ifPresent(application::main); // logs "Starting IngestionServiceApplication", not the launcher
        ConfigurableApplicationContext context;
        // its start-up lines (Spring, Flyway, Tomcat) name it too
        try (ServiceLogContext.Scope ignored = ServiceLogContext.enter(service.shortName())) {
            context = application.run(arguments(service, settings, ports).toArray(String[]::new));
        }
        boolean keep;
        synchronized (running) {
            keep = !closed;
            if (keep) {
                running.put(service, context);
            }
        }
        if (!keep) {
            context.close();
            throw new IllegalStateException("The platform was closed while " + service.serviceName() + " started");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        log.info("{} started on port {} in {} ms", service.serviceName(), ports.get(service), took.toMillis());
        return took;
    }

    private static Map<PlatformService, Integer> resolvePorts(Map<PlatformService, Integer> requested) {
        Map<PlatformService, Integer> resolved = new EnumMap<>(requested);
        resolved.replaceAll((service, port) -> port == 0 ? freePort() : port);
        return Map.copyOf(resolved);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    /** A service that did not start, with the reason. */
    public static final class ServiceStartException extends IllegalStateException {

        private final transient PlatformService service;

        ServiceStartException(PlatformService service, Throwable cause) {
            super(service.serviceName() + " did not start: " + rootMessage(cause), cause);
            this.service = service;
        }

        public PlatformService service() {
            return service;
        }

        private static String rootMessage(Throwable error) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }
}
