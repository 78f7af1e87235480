package org.opencdp.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.opencdp.kit.security.Scopes;

/** What the user asked the launcher to do; made by {@link CommandLine#parse}. */
sealed interface Command {

    /** Management scopes a token gets when {@code --scopes} is not given: all of them. */
    String ALL_SCOPES = String.join(" ", Scopes.ALL);

    int DEFAULT_KAFKA_PORT = 19092;
    int DEFAULT_POSTGRES_PORT = 54329;
    /**
     * {@code .cdp} in the repository root ({@code -Dcdp.home}, set by the {@code ./cdp} script), or
     * in the working directory.
     */
    static Path defaultDataDir() {
        String home = System.getProperty("cdp.home");
        return home == null || home.isBlank() ? Path.of(".cdp") : Path.of(home, ".cdp");
    }

    /**
     * {@code ./cdp up}: start the infrastructure and the services.
     *
     * @param kafkaPort the broker's client port; the KRaft controller listens on the next one
     * @param json structured (JSON) lines in the log file instead of text
     */
    record Up(Path dataDir, boolean fresh, int kafkaPort, int postgresPort, Map<PlatformService, Integer> ports,
              boolean json) implements Command {

        Up(Path dataDir, boolean fresh, int kafkaPort, int postgresPort, Map<PlatformService, Integer> ports) {
            this(dataDir, fresh, kafkaPort, postgresPort, ports, false);
        }

        int kafkaControllerPort() {
            return kafkaPort + 1;
        }
    }

    /**
     * {@code ./cdp logs [service]}: print the log file's last lines, of one service or all, then follow it.
     *
     * @param service a service's short name ({@code identity}), {@code cdp} (launcher, Kafka, PostgreSQL),
     *     or {@code null} for every line
     * @param lines how many of the last lines to print before following
     * @param follow whether to keep printing new lines until Ctrl-C
     */
    record Logs(Path dataDir, String service, int lines, boolean follow) implements Command {
    }

    /** {@code ./cdp token}: print a bearer token for the local secret. */
    record Token(Path dataDir, String workspace, String scopes, Duration ttl) implements Command {
    }

    /** {@code ./cdp status}: each service's health, consumer lag and outbox backlog, from its metrics. */
    record Status(Map<PlatformService, Integer> ports) implements Command {
    }

    /** {@code ./cdp}, {@code ./cdp help}: print the usage. */
    record Help() implements Command {
    }
}
