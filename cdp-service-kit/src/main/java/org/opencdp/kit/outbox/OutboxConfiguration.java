package org.opencdp.kit.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.tracing.TraceContexts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox and its relay. */
@Configuration(proxyBeanMethods = false)
public class OutboxConfiguration {

    @Bean
    OutboxRelay outboxRelay(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                            KafkaTemplate<String, String> kafka, KitProperties properties, MeterRegistry meters,
                            TraceContexts traces) {
        // a template of its own on the same producer, without Spring Kafka's observation: the relay makes its
        // producer span itself, continuing the row's stored trace context (the shared template's observation
        // would start one from whatever is current on the relay's thread, which is nothing)
        KafkaTemplate<String, String> unobserved = new KafkaTemplate<>(kafka.getProducerFactory());
        return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), unobserved, properties, meters,
                traces);
    }

    @Bean
    Outbox outbox(JdbcTemplate jdbc, OutboxRelay relay, TraceContexts traces) {
        return new Outbox(jdbc, relay, traces);
    }
}
