package org.opencdp.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opencdp.kit.logging.ServiceLogContext;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds the kit's defaults with the lowest precedence, so a service's own file and the environment
 * override any of them:
 * <ul>
 *   <li>{@code cdp-kit-defaults.properties}: what every service shares (actuator exposure, graceful
 *       shutdown, Kafka serialisation and batching, the {@code CDP_DB_*}, {@code CDP_KAFKA_BOOTSTRAP}
 *       and {@code CDP_JWT_SECRET} variables);</li>
 *   <li>what follows from the service's name, {@code cdp.kit.service} (say {@code profile}): the
 *       application name {@code profile-service}, the database schema {@code profile} (Hikari and
 *       Flyway), the migrations {@code db/kit} and {@code db/profile}, and the consumer group
 *       {@code cdp-profile}.</li>
 * </ul>
 * <p>And, only when {@code CDP_TRACING_OTLP_ENDPOINT} is set and not blank, Boot's OTLP span export
 * endpoint: Boot exports spans as soon as that property exists (even empty), so it is not given a
 * default at all, and without it nothing is exported and nothing tries to reach a collector. Without
 * it, traces are not recorded either ({@code CDP_TRACING_SAMPLING} defaults to 0 then, to 1 with an
 * endpoint): a span per event that nobody can see would cost the Tracking API for nothing.
 * A service's yml therefore names the service, its port and its own settings, and nothing else.
 * Runs after the config files are read (it has the default, lowest order), so it sees the name.
 */
class KitDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SERVICE_DEFAULTS = "cdpKitServiceDefaults";
    static final String OTLP_ENDPOINT_VARIABLE = "CDP_TRACING_OTLP_ENDPOINT";
    static final String OTLP_ENDPOINT_PROPERTY = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String SAMPLING_PROPERTY = "management.tracing.sampling.probability";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String service = environment.getProperty("cdp.kit.service");
        if (service != null && !service.isBlank()) {
            environment.getPropertySources().addLast(new MapPropertySource(SERVICE_DEFAULTS, serviceDefaults(service)));
        }
        String otlpEndpoint = environment.getProperty(OTLP_ENDPOINT_VARIABLE);
        if (otlpEndpoint != null && !otlpEndpoint.isBlank() && !environment.containsProperty(OTLP_ENDPOINT_PROPERTY)) {
            environment.getPropertySources().addLast(new MapPropertySource("cdpKitTracingExport",
                    Map.of(OTLP_ENDPOINT_PROPERTY, otlpEndpoint.strip())));
        }
        if (!environment.containsProperty(OTLP_ENDPOINT_PROPERTY)) {
            // nothing leaves the process, so nothing is recorded either unless asked (CDP_TRACING_SAMPLING):
            // trace ids still travel and name log lines, at no cost per event
            environment.getPropertySources().addLast(new MapPropertySource("cdpKitTracingUnexported",
                    Map.of(SAMPLING_PROPERTY, "${CDP_TRACING_SAMPLING:0.0}")));
        }
        try {
            environment.getPropertySources().addLast(new ResourcePropertySource("cdpKitDefaults",
                    new ClassPathResource("cdp-kit-defaults.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The settings that follow from the service's short name. */
    static Map<String, Object> serviceDefaults(String service) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("spring.application.name", service + "-service");
        defaults.put("spring.datasource.hikari.schema", service);
        defaults.put("spring.flyway.schemas", service);
        defaults.put("spring.flyway.default-schema", service);
        defaults.put("spring.flyway.locations", "classpath:db/kit,classpath:db/" + service);
        defaults.put("spring.kafka.consumer.group-id", "cdp-" + service);
        // every line names its service: the MDC key the kit sets on its threads, else this service
        // (several services in one JVM share one logging system, so the application name would be the first's)
        defaults.put("logging.include-application-name", "false");
        defaults.put("logging.pattern.level", "%5p [%X{" + ServiceLogContext.MDC_KEY + ":-" + service + "}]");
        return defaults;
    }
}
