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
        return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), kafka, properties, meters, traces);
    }

    @Bean
    Outbox outbox(JdbcTemplate jdbc, OutboxRelay relay, TraceContexts traces) {
        return new Outbox(jdbc, relay, traces);
    }
}
