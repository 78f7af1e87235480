package org.opencdp.profile.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the profile service. */
@Configuration(proxyBeanMethods = false)
class ProfileConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
