package org.opencdp.kit.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.clients.admin.NewTopic;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.KitProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka the same way in every service: a durable producer (acks=all, idempotent, ordered), manual
 * offset commits after processing, the kit's error model ({@link ErrorClassifier}: content errors
 * sent to the service's dead-letter topic with the reason in headers, infrastructure and programming
 * errors retried until they pass), and the contract topics created.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    /**
     * Header naming why a record was dead-lettered: {@code permanent} (its content is at fault; the
     * only reason since the kit stopped dead-lettering records whose retries took long).
     */
    public static final String DLT_REASON = "cdp_dlt_reason";
    /** Header with the failure message. */
    public static final String DLT_ERROR = "cdp_dlt_error";
    /** Header naming the service whose consumer gave up. */
    public static final String DLT_SERVICE = "cdp_dlt_service";

    /** Observed templates never wait for Kafka's cluster id on a sending thread ({@link BackgroundClusterId}). */
    @Bean
    static BeanPostProcessor cdpTemplateClusterId(ObjectProvider<KafkaAdmin> admins) {
        return BackgroundClusterId.forTemplates(admins);
    }

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

    /**
     * The kit's error model ({@link ErrorClassifier}): a record whose content is at fault is
     * dead-lettered at once with the reason in headers; one that failed on the infrastructure or on a
     * bug is retried with exponential backoff (200 ms doubling up to {@code
     * cdp.kit.kafka.max-retry-interval}) for as long as it takes, holding its partition so order is
     * kept, and is never dead-lettered. Every failed delivery is counted in {@code
     * cdp_consumer_errors_total{service, topic, kind}}.
     */
    @Bean
    DefaultErrorHandler cdpKafkaErrorHandler(KafkaTemplate<String, String> template, KitProperties properties,
                                             MeterRegistry meters) {
        String deadLetters = Topics.deadLetters(properties.service());
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, error) -> new TopicPartition(deadLetters, -1));
        recoverer.setHeadersFunction((record, error) -> {
            var headers = new RecordHeaders();
            headers.add(new RecordHeader(DLT_REASON, bytes("permanent")));
            headers.add(new RecordHeader(DLT_ERROR, bytes(rootMessage(error))));
            headers.add(new RecordHeader(DLT_SERVICE, bytes(properties.service())));
            return headers;
        });
        ConsumerRecordRecoverer contentOnly = (record, error) -> {
            ConsumerErrorKind kind = ErrorClassifier.classify(error);
            if (kind != ConsumerErrorKind.content) {
                // the backoff never ends for these; this guards the fallback path of a listener that
                // throws without naming the record at fault
                throw new IllegalStateException("A " + kind + " error is retried, never dead-lettered", error);
            }
            recoverer.accept(record, error);
        };
        var untilItWorks = untilItWorks(properties.kafka().maxRetryInterval());
        var noRetry = new FixedBackOff(0, 0);
        var handler = new DefaultErrorHandler(contentOnly, untilItWorks);
        // every exception is "retryable" to Spring: the backoff chosen per kind decides
        handler.setClassifications(Map.of(), true);
        handler.setBackOffFunction((record, error) ->
                ErrorClassifier.classify(error) == ConsumerErrorKind.content ? noRetry : untilItWorks);
        handler.setRetryListeners(new ConsumerErrors(properties.service(), meters));
        return handler;
    }

    /** {@code cdp_consumer_errors_total} at 0 for every topic the service's listeners read, once they are set up. */
    @Bean
    ApplicationListener<ContextRefreshedEvent> consumerErrorsAtZero(KitProperties properties, MeterRegistry meters,
                                                                   ObjectProvider<KafkaListenerEndpointRegistry> registry) {
        return refreshed -> registry.ifAvailable(containers -> ConsumerErrors.preRegister(properties.service(), meters,
                containers.getListenerContainers().stream()
                        .map(container -> container.getContainerProperties().getTopics())
                        .filter(Objects::nonNull)
                        .flatMap(Arrays::stream)
                        .distinct().toList()));
    }

    /** Exponential backoff from 200 ms up to {@code maxInterval}, without end. */
    static BackOff untilItWorks(Duration maxInterval) {
        var backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(Math.max(200, maxInterval.toMillis()));
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        return backOff;
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
                .partitions(1).replicas(properties.kafka().replicationFactor())
                .config(TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(properties.kafka().deadLetterRetention().toMillis()))
                .build());
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
