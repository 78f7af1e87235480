package org.opencdp.consent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The consent service. Its configuration is {@code consent-service.yml}, so all six services can share one JVM. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ConsentServiceApplication {

    /** The name of this service's configuration file ({@code spring.config.name}). */
    public static final String CONFIG_NAME = "consent-service";

    public static void main(String[] args) {
        application().run(args);
    }

    /** A builder for this service with its own configuration name; the local launcher adds its settings. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ConsentServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }
}
