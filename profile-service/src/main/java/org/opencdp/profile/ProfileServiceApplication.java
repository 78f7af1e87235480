package org.opencdp.profile;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The profile service. Its configuration is {@code profile-service.yml}, so all six services can share one JVM. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ProfileServiceApplication {

    /** The name of this service's configuration file ({@code spring.config.name}). */
    public static final String CONFIG_NAME = "profile-service";

    public static void main(String[] args) {
        application().run(args);
    }

    /** A builder for this service with its own configuration name; the local launcher adds its settings. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ProfileServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }
}
