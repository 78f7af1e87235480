package org.opencdp.e2e.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service's own configuration file ({@code <module>.yml}, read from the classpath like the
 * service does) and the kit's defaults under it say about running it: its port, the environment
 * variables it reads through {@code ${VAR:default}} placeholders (its own and the kit's, such as
 * {@code CDP_DB_URL}), and the actuator paths it serves.
 *
 * @param module the Maven module and deployment name, e.g. {@code identity-service}
 * @param kitService {@code cdp.kit.service}: names the service's dead-letter topic
 * @param port the default of {@code server.port}
 * @param portVariable the environment variable that overrides the port, if any
 * @param managementPort the default of {@code management.server.port}, if the actuator has its own port
 * @param variables every environment variable the file or the kit's defaults read, with its default (null when it has none)
 * @param healthPaths the actuator health paths the service answers
 */
record ServiceConfiguration(String module, String kitService, int port, Optional<String> portVariable,
                            Optional<Integer> managementPort, Map<String, String> variables,
                            Set<String> healthPaths) {

    /** {@code ${NAME}} or {@code ${NAME:default}} where NAME looks like an environment variable. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    private static final String KIT_DEFAULTS = "cdp-kit-defaults.properties";

    /** The configuration of {@code module} as found on the classpath. */
    static ServiceConfiguration load(String module) {
        String resource = module + ".yml";
        Map<String, Object> flat = new LinkedHashMap<>();
        try (InputStream in = ServiceConfiguration.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: does e2e depend on " + module
                        + " (through cdp-local)?");
            }
            Yamls.documents(in, resource).forEach(document -> flat.putAll(Yamls.flatten(document)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties kitDefaults = kitDefaults();

        Map<String, String> variables = new LinkedHashMap<>();
        flat.values().forEach(value -> placeholders(String.valueOf(value), variables));
        kitDefaults.stringPropertyNames().stream()
                .filter(key -> !flat.containsKey(key))
                .forEach(key -> placeholders(kitDefaults.getProperty(key), variables));

        String portValue = String.valueOf(flat.getOrDefault("server.port", "8080"));
        Optional<String> portVariable = placeholderName(portValue);
        int port = Integer.parseInt(resolveDefault(portValue, resource + " server.port"));
        Optional<Integer> managementPort = Optional.ofNullable(setting(flat, kitDefaults, "management.server.port"))
                .map(value -> Integer.parseInt(resolveDefault(value, resource + " management.server.port")));

        String kitService = String.valueOf(flat.get("cdp.kit.service"));
        return new ServiceConfiguration(module, kitService, port, portVariable, managementPort,
                Map.copyOf(variables), healthPaths(flat, kitDefaults));
    }

    /** The port the actuator answers on. */
    int actuatorPort() {
        return managementPort.orElse(port);
    }

    private static Set<String> healthPaths(Map<String, Object> flat, Properties kitDefaults) {
        String exposed = Optional.ofNullable(setting(flat, kitDefaults, "management.endpoints.web.exposure.include"))
                .orElse("health");
        if (!exposed.equals("*") && !Set.of(exposed.split("\\s*,\\s*")).contains("health")) {
            return Set.of();
        }
        String base = Optional.ofNullable(setting(flat, kitDefaults, "management.endpoints.web.base-path"))
                .orElse("/actuator");
        Set<String> paths = new LinkedHashSet<>();
        paths.add(base + "/health");
        if (Boolean.parseBoolean(setting(flat, kitDefaults, "management.endpoint.health.probes.enabled"))) {
            paths.add(base + "/health/liveness");
            paths.add(base + "/health/readiness");
        }
        return Set.copyOf(paths);
    }

    /** A setting from the service's file, else from the kit's defaults (lowest precedence), placeholders resolved to their defaults. */
    private static String setting(Map<String, Object> flat, Properties kitDefaults, String key) {
        Object value = flat.containsKey(key) ? flat.get(key) : kitDefaults.getProperty(key);
        return value == null ? null : resolveDefault(String.valueOf(value), key);
    }

    private static Properties kitDefaults() {
        Properties properties = new Properties();
        try (InputStream in = ServiceConfiguration.class.getClassLoader().getResourceAsStream(KIT_DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(KIT_DEFAULTS + " (cdp-service-kit) is not on the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static void placeholders(String value, Map<String, String> into) {
        Matcher matcher = PLACEHOLDER.matcher(value);
        while (matcher.find()) {
            into.putIfAbsent(matcher.group(1), matcher.group(2));
        }
    }

    private static Optional<String> placeholderName(String value) {
        Matcher matcher = PLACEHOLDER.matcher(value.trim());
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String resolveDefault(String value, String what) {
        Matcher matcher = PLACEHOLDER.matcher(value.trim());
        if (!matcher.matches()) {
            return value.trim();
        }
        if (matcher.group(2) == null) {
            throw new IllegalStateException(what + " is " + value + ": a placeholder without a default");
        }
        return matcher.group(2);
    }
}
