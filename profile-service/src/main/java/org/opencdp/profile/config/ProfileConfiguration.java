package org.opencdp.profile.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Wiring of the profile service. Scheduling runs the periodic jobs (event store maintenance,
 * computed-trait backfill and window decay); each is safe to run on every instance at once.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ProfileConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
