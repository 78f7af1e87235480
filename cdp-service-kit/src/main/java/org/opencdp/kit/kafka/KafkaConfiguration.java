package org.opencdp.kit.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.clients.admin.NewTopic;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.KitProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka the same way in every service: a durable producer (acks=all, idempotent, ordered), manual
 * offset commits after processing, retriable errors retried with backoff and permanent ones sent
 * to the service's dead-letter topic with the reason in headers, and the contract topics created.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    /** Header naming why a record was dead-lettered: {@code permanent} or {@code retries-exhausted}. */
    public static final String DLT_REASON = "cdp_dlt_reason";
    /** Header with the failure message. */
    public static final String DLT_ERROR = "cdp_dlt_error";
    /** Header naming the service whose consumer gave up. */
    public static final String DLT_SERVICE = "cdp_dlt_service";

    @Bean
    DefaultKafkaProducerFactoryCustomizer cdpProducerDefaults() {
        return factory -> factory.updateConfigs(withoutOverrides(factory.getConfigurationProperties(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)));
    }

    @Bean
    DefaultKafkaConsumerFactoryCustomizer cdpConsumerDefaults() {
        return factory -> factory.updateConfigs(withoutOverrides(factory.getConfigurationProperties(), Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")));
    }

    @Bean
    DefaultErrorHandler cdpKafkaErrorHandler(KafkaTemplate<String, String> template, KitProperties properties) {
        String deadLetters = Topics.deadLetters(properties.service());
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, error) -> new TopicPartition(deadLetters, -1));
        recoverer.setHeadersFunction((record, error) -> {
            var headers = new RecordHeaders();
            headers.add(new RecordHeader(DLT_REASON, bytes(ErrorClassifier.isPermanent(error)
                    ? "permanent" : "retries-exhausted")));
            headers.add(new RecordHeader(DLT_ERROR, bytes(rootMessage(error))));
            headers.add(new RecordHeader(DLT_SERVICE, bytes(properties.service())));
            return headers;
        });
        var backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(properties.kafka().maxRetryTime().toMillis());
        var handler = new DefaultErrorHandler(recoverer, backOff);
        handler.setClassifications(Map.of(), true);
        ErrorClassifier.PERMANENT.forEach(handler::addNotRetryableExceptions);
        return handler;
    }

    @Bean
    @ConditionalOnProperty(name = "cdp.kit.kafka.create-topics", havingValue = "true", matchIfMissing = true)
    KafkaAdmin.NewTopics cdpTopics(KitProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : Topics.ALL) {
            TopicBuilder builder = TopicBuilder.name(topic)
                    .partitions(properties.kafka().partitions())
                    .replicas(properties.kafka().replicationFactor());
            if (Topics.COMPACTED.contains(topic)) {
                builder.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            topics.add(builder.build());
        }
        topics.add(TopicBuilder.name(Topics.deadLetters(properties.service()))
                .partitions(1).replicas(properties.kafka().replicationFactor()).build());
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private static Map<String, Object> withoutOverrides(Map<String, Object> configured, Map<String, Object> defaults) {
        var result = new java.util.HashMap<String, Object>();
        defaults.forEach((key, value) -> {
            if (!configured.containsKey(key)) {
                result.put(key, value);
            }
        });
        return result;
    }

    /** The listener's own message and the root cause's, e.g. "Event x cannot be stored; cause: PSQLException: …". */
    static String rootMessage(Throwable error) {
        Throwable top = error;
        while (top instanceof org.springframework.kafka.listener.ListenerExecutionFailedException && top.getCause() != null) {
            top = top.getCause();
        }
        Throwable root = top;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = top.getClass().getSimpleName() + ": " + top.getMessage();
        if (root != top) {
            message += "; cause: " + root.getClass().getSimpleName() + ": " + root.getMessage();
        }
        return message.length() > 1000 ? message.substring(0, 1000) : message;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
