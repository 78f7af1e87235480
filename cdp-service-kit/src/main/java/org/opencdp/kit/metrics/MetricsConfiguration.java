package org.opencdp.kit.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.opencdp.kit.KitProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

/** The kit's operational gauges: consumer lag and the outbox backlog ({@link OperationalMetrics}). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MetricsProperties.class)
public class MetricsConfiguration {

    @Bean(destroyMethod = "close")
    ConsumerLag cdpConsumerLag(KafkaAdmin admin, ObjectProvider<KafkaListenerEndpointRegistry> registry) {
        return new ConsumerLag(admin, registry);
    }

    @Bean
    OperationalMetrics cdpOperationalMetrics(KitProperties properties, JdbcTemplate jdbc, ConsumerLag lag,
                                             MeterRegistry meters, MetricsProperties metrics) {
        return new OperationalMetrics(properties.service(), jdbc, lag, meters, metrics);
    }
}
