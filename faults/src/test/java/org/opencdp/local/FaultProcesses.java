package org.opencdp.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the fault suite needs of cdp-local that cdp-local keeps package-private: the arguments a
 * service is started with ({@link LocalPlatform#arguments}), its Kafka ({@link LocalKafka}) and its
 * PostgreSQL ({@link LocalPostgres}). Living in the same package reuses them as they are instead of
 * copying them; the {@code main} methods below run in the processes the suite starts.
 */
public final class FaultProcesses {

    /** System property of a child process: the pid of the test JVM; the child halts when it is gone. */
    public static final String PARENT = "faults.parent";

    private FaultProcesses() {
    }

    /** The command-line arguments {@code service} gets, exactly as {@code ./cdp up} gives them. */
    public static List<String> serviceArguments(PlatformService service, LocalPlatformSettings settings) {
        return LocalPlatform.arguments(service, settings, settings.ports());
    }

    /** A PostgreSQL server process on {@code port} with its data in {@code dataDirectory} (kept across restarts). */
    public static Postgres startPostgres(Path dataDirectory, int port) throws IOException {
        return new Postgres(LocalPostgres.start(dataDirectory, port));
    }

    /** A running PostgreSQL; {@link #close} is a fast shutdown (sessions ended, committed data kept). */
    public static final class Postgres implements AutoCloseable {
        private final LocalPostgres postgres;

        private Postgres(LocalPostgres postgres) {
            this.postgres = postgres;
        }

        public String jdbcUrl() {
            return postgres.jdbcUrl();
        }

        public String user() {
            return LocalPostgres.USER;
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }

    /** {@code main} of a service process: {@code <PlatformService name> <its arguments…>}. */
    public static final class ServiceMain {
        public static void main(String[] args) {
            watchParent();
            PlatformService service = PlatformService.valueOf(args[0]);
            service.application().run(List.of(args).subList(1, args.length).toArray(String[]::new));
        }
    }

    /** {@code main} of the Kafka process: {@code <directory> <port> <controllerPort>}; SIGTERM shuts it down cleanly. */
    public static final class KafkaMain {
        public static void main(String[] args) throws Exception {
            watchParent();
            LocalKafka kafka = LocalKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-kafka"));
            System.out.println("Kafka ready on " + kafka.bootstrapServers());
            Thread.currentThread().join();
        }
    }

    /** Halts this process when the test JVM that started it is gone (killed, or ended without cleaning up). */
    private static void watchParent() {
        long parent = Long.getLong(PARENT, -1);
        if (parent < 0) {
            return;
        }
        Thread watcher = new Thread(() -> {
            while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(3);
        }, "faults-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

}
