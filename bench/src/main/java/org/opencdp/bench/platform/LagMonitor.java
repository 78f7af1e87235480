package org.opencdp.bench.platform;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer-group lag on the platform's broker, as {@code kafka-consumer-groups --describe} shows
 * it: for every consumer group (but the bench's own, named {@code bench-…}), the partitions its
 * members are assigned (and those it committed), their latest offsets ({@code listOffsets} latest)
 * minus its committed offsets ({@code listConsumerGroupOffsets}); a partition never committed
 * counts from 0. Groups and assignments are looked up again every ten seconds.
 */
final class LagMonitor implements AutoCloseable {

    /** A group's lag and the sum of its committed offsets (whose growth is its consumption). */
    record GroupOffsets(long lag, long committed) {
    }

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Admin admin;
    private Map<String, Set<TopicPartition>> assigned = Map.of();
    private long refreshedAt;
    private boolean refreshed;

    LagMonitor(String bootstrapServers) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-lag-monitor",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000));
    }

    /** Every watched group's lag now, by group id (sorted). */
    Map<String, GroupOffsets> sample() throws InterruptedException, ExecutionException, TimeoutException {
        if (!refreshed || System.nanoTime() - refreshedAt > REFRESH_NANOS) {
            assigned = assignments();
            refreshedAt = System.nanoTime();
            refreshed = true;
        }
        if (assigned.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        assigned.keySet().forEach(group -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(specs).all()
                .get(8, TimeUnit.SECONDS);
        Map<String, Set<TopicPartition>> partitions = new HashMap<>();
        Set<TopicPartition> all = new HashSet<>();
        for (String group : assigned.keySet()) {
            Set<TopicPartition> ofGroup = new HashSet<>(assigned.get(group));
            committed.getOrDefault(group, Map.of()).forEach((partition, offset) -> {
                if (offset != null) {
                    ofGroup.add(partition);
                }
            });
            partitions.put(group, ofGroup);
            all.addAll(ofGroup);
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        all.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(8, TimeUnit.SECONDS);
        Map<String, GroupOffsets> lags = new TreeMap<>();
        partitions.forEach((group, ofGroup) -> {
            long lag = 0;
            long sum = 0;
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(group, Map.of());
            for (TopicPartition partition : ofGroup) {
                OffsetAndMetadata offset = offsets.get(partition);
                long position = offset == null ? 0 : offset.offset();
                ListOffsetsResult.ListOffsetsResultInfo end = ends.get(partition);
                lag += Math.max(0, (end == null ? position : end.offset()) - position);
                sum += position;
            }
            lags.put(group, new GroupOffsets(lag, sum));
        });
        return lags;
    }

    /** The latest offset summed over the partitions of {@code topic} (how many records it ever held). */
    long endOffsets(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        var description = admin.describeTopics(Set.of(topic)).allTopicNames().get(8, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(8, TimeUnit.SECONDS).values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    private Map<String, Set<TopicPartition>> assignments() throws InterruptedException, ExecutionException,
            TimeoutException {
        Set<String> groups = new HashSet<>();
        for (GroupListing listing : admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(8, TimeUnit.SECONDS)) {
            if (!listing.groupId().startsWith("bench-")) {
                groups.add(listing.groupId());
            }
        }
        Map<String, Set<TopicPartition>> result = new HashMap<>();
        if (groups.isEmpty()) {
            return result;
        }
        Map<String, ConsumerGroupDescription> descriptions = admin.describeConsumerGroups(groups).all()
                .get(8, TimeUnit.SECONDS);
        for (String group : groups) {
            Set<TopicPartition> partitions = new HashSet<>();
            ConsumerGroupDescription description = descriptions.get(group);
            if (description != null) {
                for (MemberDescription member : description.members()) {
                    partitions.addAll(member.assignment().topicPartitions());
                }
            }
            result.put(group, partitions);
        }
        return result;
    }

    @Override
    public void close() {
        admin.close();
    }
}
