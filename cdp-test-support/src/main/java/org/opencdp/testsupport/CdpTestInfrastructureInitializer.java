package org.opencdp.testsupport;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points a Spring Boot service under test at the current {@link TestInfrastructure}. */
public final class CdpTestInfrastructureInitializer
        implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("cdpTestInfrastructure", CdpTestEnvironment.current().springProperties()));
    }
}
