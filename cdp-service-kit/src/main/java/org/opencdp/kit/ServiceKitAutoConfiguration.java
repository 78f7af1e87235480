package org.opencdp.kit;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.deadletter.DeadLetterConfiguration;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.inbox.InboxPruner;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.kit.logging.LoggingConfiguration;
import org.opencdp.kit.metrics.MetricsConfiguration;
import org.opencdp.kit.outbox.OutboxConfiguration;
import org.opencdp.kit.problem.ProblemConfiguration;
import org.opencdp.kit.security.SecurityConfiguration;
import org.opencdp.kit.tracing.TraceContexts;
import org.opencdp.kit.tracing.TracingConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the kit into every service that has it on the classpath. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration"})
@EnableConfigurationProperties(KitProperties.class)
@Import({ProblemConfiguration.class, SecurityConfiguration.class, KafkaConfiguration.class,
        OutboxConfiguration.class, DeadLetterConfiguration.class, LoggingConfiguration.class,
        MetricsConfiguration.class, TracingConfiguration.class})
public class ServiceKitAutoConfiguration {

    /** How long the first identifier lookup waits for the rules topic to be read. */
    private static final Duration IDENTIFIER_RULES_CATCH_UP = Duration.ofSeconds(30);

    @Bean
    Inbox inbox(JdbcTemplate jdbc) {
        return new Inbox(jdbc);
    }

    @Bean
    BatchConsumers batchConsumers(PlatformTransactionManager transactionManager, Inbox inbox, JdbcTemplate jdbc,
                                  KafkaAdmin admin, KitProperties properties, MeterRegistry meters,
                                  TraceContexts traces) {
        return new BatchConsumers(new TransactionTemplate(transactionManager), inbox, jdbc, admin, properties, meters,
                traces);
    }

    /** Started on first use, so a service that never looks identifiers up pays nothing for it. */
    @Bean(destroyMethod = "close")
    IdentifierRulesView identifierRulesView(ConsumerFactory<?, ?> consumers, KitProperties properties) {
        return new IdentifierRulesView(consumers, properties.service(), IDENTIFIER_RULES_CATCH_UP);
    }

    @Bean
    InboxPruner inboxPruner(JdbcTemplate jdbc, KitProperties properties, MeterRegistry meters) {
        return new InboxPruner(jdbc, properties, meters);
    }
}
