package org.opencdp.kit.consume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The next offset each consumer applies, per topic partition, kept in the service's own database
 * and written in the transaction of the effect (table {@code consumed_offset}). A record below it
 * was applied before: Kafka redelivered it after a rebalance, a crash before the offset commit, or
 * a consumer group whose committed offsets expired. One row per partition, so the state is bounded.
 *
 * <p>Rows remember the Kafka cluster id: a broker re-created from empty starts offsets at 0 again,
 * and the old offsets must not hide its records.
 */
class ConsumedOffsets {

    private final JdbcTemplate jdbc;

    ConsumedOffsets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the offset rows of the partitions in {@code records} (in partition order, so two
     * consumers never wait on each other in a cycle) and returns the next offset to apply for each.
     * A partition with no row, or a row of another cluster, is absent from the answer.
     */
    Map<Partition, Long> lockNextOffsets(String consumer, String clusterId, List<? extends ConsumerRecord<?, ?>> records) {
        var partitions = partitionsOf(records);
        String[] topics = partitions.keySet().stream().map(Partition::topic).toArray(String[]::new);
        Integer[] numbers = partitions.keySet().stream().map(Partition::partition).toArray(Integer[]::new);
        Map<Partition, Long> next = new HashMap<>();
        jdbc.query("""
                        SELECT topic, partition, cluster_id, next_offset FROM consumed_offset
                        WHERE consumer = ? AND (topic, partition) IN (SELECT * FROM unnest(?::text[], ?::int[]))
                        ORDER BY topic, partition
                        FOR UPDATE""",
                rs -> {
                    if (clusterId.equals(rs.getString("cluster_id"))) {
                        next.put(new Partition(rs.getString("topic"), rs.getInt("partition")), rs.getLong("next_offset"));
                    }
                }, consumer, topics, numbers);
        return next;
    }

    /** Moves each partition's next offset past the last of {@code records}, in one statement. */
    void advance(String consumer, String clusterId, List<? extends ConsumerRecord<?, ?>> records) {
        var partitions = partitionsOf(records);
        List<String> topics = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        partitions.forEach((partition, last) -> {
            topics.add(partition.topic());
            numbers.add(partition.partition());
            offsets.add(last + 1);
        });
        jdbc.update("""
                        INSERT INTO consumed_offset (consumer, topic, partition, cluster_id, next_offset)
                        SELECT ?, t, p, ?, o FROM unnest(?::text[], ?::int[], ?::bigint[]) AS x (t, p, o)
                        ORDER BY t, p
                        ON CONFLICT (consumer, topic, partition) DO UPDATE SET
                            next_offset = CASE WHEN consumed_offset.cluster_id = EXCLUDED.cluster_id
                                               THEN greatest(consumed_offset.next_offset, EXCLUDED.next_offset)
                                               ELSE EXCLUDED.next_offset END,
                            cluster_id = EXCLUDED.cluster_id,
                            consumed_at = now()""",
                consumer, clusterId, topics.toArray(String[]::new), numbers.toArray(Integer[]::new),
                offsets.toArray(Long[]::new));
    }

    /** Each partition of {@code records} with its highest offset there, in (topic, partition) order. */
    private static TreeMap<Partition, Long> partitionsOf(List<? extends ConsumerRecord<?, ?>> records) {
        var partitions = new TreeMap<Partition, Long>();
        for (ConsumerRecord<?, ?> record : records) {
            partitions.merge(new Partition(record.topic(), record.partition()), record.offset(), Math::max);
        }
        return partitions;
    }

    /** A topic partition, ordered by topic then number (the lock order). */
    record Partition(String topic, int partition) implements Comparable<Partition> {

        static Partition of(ConsumerRecord<?, ?> record) {
            return new Partition(record.topic(), record.partition());
        }

        @Override
        public int compareTo(Partition other) {
            int byTopic = topic.compareTo(other.topic);
            return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
        }
    }
}
