package org.opencdp.local;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the six services find their infrastructure, and where they listen.
 *
 * @param kafkaBootstrapServers Kafka bootstrap servers ({@code host:port,…})
 * @param jdbcUrl JDBC URL of the one PostgreSQL database the services share (each uses its own schema)
 * @param jdbcUser database user
 * @param jdbcPassword database password ({@code ""} for none)
 * @param jwtSecret HS256 secret for management tokens, at least 32 bytes
 * @param ports the HTTP port of each service; every service must have one ({@code 0} picks a free one)
 * @param extraProperties more Spring properties given to every service, as command-line arguments
 *     (highest precedence), e.g. {@code cdp.kit.outbox.poll-interval=50ms}
 */
public record LocalPlatformSettings(String kafkaBootstrapServers, String jdbcUrl, String jdbcUser,
                                    String jdbcPassword, String jwtSecret, Map<PlatformService, Integer> ports,
                                    Map<String, String> extraProperties) {

    public LocalPlatformSettings {
        Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jdbcUser, "jdbcUser");
        jdbcPassword = jdbcPassword == null ? "" : jdbcPassword;
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        Objects.requireNonNull(ports, "ports");
        for (PlatformService service : PlatformService.values()) {
            Integer port = ports.get(service);
            if (port == null || port < 0 || port > 65_535) {
                throw new IllegalArgumentException("No valid port for " + service.serviceName() + ": " + port);
            }
        }
        ports = Map.copyOf(new EnumMap<>(ports));
        extraProperties = extraProperties == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraProperties));
    }

    /** Ports 8081–8086 (DESIGN.md §5). */
    public static Map<PlatformService, Integer> defaultPorts() {
        Map<PlatformService, Integer> ports = new EnumMap<>(PlatformService.class);
        for (PlatformService service : PlatformService.values()) {
            ports.put(service, service.defaultPort());
        }
        return ports;
    }

    public int port(PlatformService service) {
        return ports.get(service);
    }

    /** The same settings with {@code properties} added to {@link #extraProperties()} (they win on clashes). */
    public LocalPlatformSettings withExtraProperties(Map<String, String> properties) {
        Map<String, String> merged = new LinkedHashMap<>(extraProperties);
        merged.putAll(properties);
        return new LocalPlatformSettings(kafkaBootstrapServers, jdbcUrl, jdbcUser, jdbcPassword, jwtSecret, ports,
                merged);
    }

    @Override
    public String toString() {
        // never print the secret or the password
        return "LocalPlatformSettings[kafka=" + kafkaBootstrapServers + ", jdbcUrl=" + jdbcUrl + ", jdbcUser="
                + jdbcUser + ", ports=" + new EnumMap<>(ports) + ", extraProperties=" + extraProperties.keySet() + "]";
    }
}
