package org.opencdp.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A service's yml names the service and its own settings; the kit supplies the rest. */
class KitDefaultsTest {

    @Test
    void shouldDeriveSchemaMigrationsAndConsumerGroupFromTheServiceName() {
        StandardEnvironment environment = environment(Map.of("cdp.kit.service", "profile"), Map.of());

        assertThat(environment.getProperty("spring.application.name")).isEqualTo("profile-service");
        assertThat(environment.getProperty("spring.datasource.hikari.schema")).isEqualTo("profile");
        assertThat(environment.getProperty("spring.flyway.schemas")).isEqualTo("profile");
        assertThat(environment.getProperty("spring.flyway.default-schema")).isEqualTo("profile");
        assertThat(environment.getProperty("spring.flyway.locations")).isEqualTo("classpath:db/kit,classpath:db/profile");
        assertThat(environment.getProperty("spring.kafka.consumer.group-id")).isEqualTo("cdp-profile");
    }

    /** Issue 17: a line names the service whose thread wrote it (MDC), else this service, never another's. */
    @Test
    void shouldTagEveryLogLineWithTheServiceFromTheMdcElseTheServiceName() {
        StandardEnvironment environment = environment(Map.of("cdp.kit.service", "profile"), Map.of());

        assertThat(environment.getProperty("logging.pattern.level")).isEqualTo("%5p [%X{service:-profile}]");
        assertThat(environment.getProperty("logging.include-application-name")).isEqualTo("false");
    }

    @Test
    void shouldPointEveryServiceAtTheSameInfrastructureVariables() {
        StandardEnvironment local = environment(Map.of("cdp.kit.service", "consent"), Map.of());
        assertThat(local.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://localhost:5432/cdp");
        assertThat(local.getProperty("spring.datasource.username")).isEqualTo("postgres");
        assertThat(local.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("localhost:9092");

        StandardEnvironment deployed = environment(Map.of("cdp.kit.service", "consent"), Map.of(
                "CDP_DB_URL", "jdbc:postgresql://postgres:5432/cdp", "CDP_DB_USER", "cdp",
                "CDP_DB_PASSWORD", "pw", "CDP_KAFKA_BOOTSTRAP", "kafka:9092", "CDP_JWT_SECRET", "s3cret"));
        assertThat(deployed.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://postgres:5432/cdp");
        assertThat(deployed.getProperty("spring.datasource.username")).isEqualTo("cdp");
        assertThat(deployed.getProperty("spring.datasource.password")).isEqualTo("pw");
        assertThat(deployed.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("kafka:9092");
        assertThat(deployed.getProperty("cdp.kit.security.jwt-secret")).isEqualTo("s3cret");
    }

    /** Issue 17: spans exported (and recorded) only when an OTLP endpoint is set, then every trace by default. */
    @Test
    void shouldSampleEveryTraceAndExportOnlyWhenAnOtlpEndpointIsSet() {
        StandardEnvironment local = environment(Map.of("cdp.kit.service", "profile"), Map.of());
        assertThat(local.getProperty("management.tracing.sampling.probability")).isEqualTo("0.0");
        assertThat(environment(Map.of("cdp.kit.service", "profile"), Map.of("CDP_TRACING_SAMPLING", "0.5"))
                .getProperty("management.tracing.sampling.probability")).as("asked for without export").isEqualTo("0.5");
        // Boot exports as soon as the property exists, even empty: it must be absent
        assertThat(local.containsProperty("management.opentelemetry.tracing.export.otlp.endpoint")).isFalse();
        assertThat(environment(Map.of("cdp.kit.service", "profile"), Map.of("CDP_TRACING_OTLP_ENDPOINT", " "))
                .containsProperty("management.opentelemetry.tracing.export.otlp.endpoint")).isFalse();

        StandardEnvironment exporting = environment(Map.of("cdp.kit.service", "profile"), Map.of(
                "CDP_TRACING_OTLP_ENDPOINT", "http://collector:4318/v1/traces", "CDP_TRACING_SAMPLING", "0.25"));
        assertThat(exporting.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(exporting.getProperty("management.tracing.sampling.probability")).isEqualTo("0.25");
        assertThat(environment(Map.of("cdp.kit.service", "profile"), Map.of(
                "CDP_TRACING_OTLP_ENDPOINT", "http://collector:4318/v1/traces"))
                .getProperty("management.tracing.sampling.probability")).isEqualTo("1.0");
    }

    @Test
    void shouldLetTheServiceFileOverrideADerivedDefault() {
        StandardEnvironment environment = environment(
                Map.of("cdp.kit.service", "identity", "spring.kafka.consumer.group-id", "custom"), Map.of());

        assertThat(environment.getProperty("spring.kafka.consumer.group-id")).isEqualTo("custom");
    }

    /**
     * Why a service's yml needs no {@code ${CDP_…}} placeholder for its own settings: Spring binds
     * {@code CDP_PROFILE_EVENTS_DEFAULT_LIMIT} to {@code cdp.profile.events.default-limit} by itself
     * (a dash in a name may be written as an underscore), and the default lives in the settings record.
     */
    @Test
    void shouldBindAServiceSettingFromItsEnvironmentVariableWithoutAPlaceholder() {
        StandardEnvironment environment = environment(Map.of("cdp.kit.service", "profile"),
                Map.of("CDP_PROFILE_EVENTS_DEFAULT_LIMIT", "7"));

        assertThat(Binder.get(environment).bind("cdp.profile.events.default-limit", Integer.class).get()).isEqualTo(7);
    }

    private static StandardEnvironment environment(Map<String, Object> serviceFile, Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        var sources = environment.getPropertySources();
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        sources.addLast(new MapPropertySource("service file", serviceFile));
        new KitDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }
}
