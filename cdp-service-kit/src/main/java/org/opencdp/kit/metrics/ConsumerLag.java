package org.opencdp.kit.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Consumer lag per topic for the service's listener containers: for each consumer group and the
 * topics its containers subscribe to, the partitions' end offsets minus the group's committed
 * offsets (a partition the group never committed counts from its earliest offset, where the kit's
 * consumers start), summed per topic. Offsets are committed after each poll's chunks have committed,
 * so this is what is still to be applied, give or take one poll.
 */
public class ConsumerLag implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final KafkaAdmin kafkaAdmin;
    private final ObjectProvider<KafkaListenerEndpointRegistry> registry;
    private Admin admin;

    public ConsumerLag(KafkaAdmin kafkaAdmin, ObjectProvider<KafkaListenerEndpointRegistry> registry) {
        this.kafkaAdmin = kafkaAdmin;
        this.registry = registry;
    }

    /** Records not yet consumed, per topic the service consumes; empty when it consumes none. */
    public synchronized Map<String, Long> byTopic() {
        Map<String, Set<String>> topicsByGroup = subscriptions();
        Map<String, Long> lag = new TreeMap<>();
        if (topicsByGroup.isEmpty()) {
            return lag;
        }
        Admin client = admin();
        for (Map.Entry<String, Set<String>> group : topicsByGroup.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = get(client.listConsumerGroupOffsets(group.getKey())
                    .partitionsToOffsetAndMetadata());
            Map<String, TopicDescription> topics = get(client.describeTopics(group.getValue()).allTopicNames());
            List<TopicPartition> partitions = new ArrayList<>();
            topics.values().forEach(topic -> topic.partitions().forEach(
                    partition -> partitions.add(new TopicPartition(topic.name(), partition.partition()))));
            Map<TopicPartition, Long> ends = offsets(client, partitions, OffsetSpec.latest());
            List<TopicPartition> neverCommitted = partitions.stream()
                    .filter(partition -> committed.get(partition) == null).toList();
            Map<TopicPartition, Long> starts = neverCommitted.isEmpty() ? Map.of()
                    : offsets(client, neverCommitted, OffsetSpec.earliest());
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                long position = offset != null ? offset.offset() : starts.getOrDefault(partition, 0L);
                long behind = Math.max(0, ends.getOrDefault(partition, position) - position);
                lag.merge(partition.topic(), behind, Long::sum);
            }
        }
        return lag;
    }

    /** Consumer group to the topics its containers subscribe to by name. */
    private Map<String, Set<String>> subscriptions() {
        Map<String, Set<String>> topicsByGroup = new LinkedHashMap<>();
        KafkaListenerEndpointRegistry containers = registry.getIfAvailable();
        if (containers == null) {
            return topicsByGroup;
        }
        for (MessageListenerContainer container : containers.getListenerContainers()) {
            String[] topics = container.getContainerProperties().getTopics();
            String group = container.getGroupId();
            if (topics != null && group != null) {
                topicsByGroup.computeIfAbsent(group, g -> new LinkedHashSet<>()).addAll(List.of(topics));
            }
        }
        return topicsByGroup;
    }

    private static Map<TopicPartition, Long> offsets(Admin client, List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = get(client.listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
            config.putIfAbsent("client.id", "cdp-metrics-" + System.identityHashCode(this));
            admin = Admin.create(config);
        }
        return admin;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking Kafka for offsets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not give the offsets: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not give the offsets within " + TIMEOUT.toSeconds() + " s", e);
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
