package org.opencdp.kit.identifiers;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.contracts.WorkspaceIdentifierRules;
import org.opencdp.kit.logging.ServiceLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * Every workspace's identifier rules as identity-service publishes them ({@link
 * Topics#IDENTIFIER_RULES}, compacted, keyed by workspace), so a service outside identity reads
 * and looks up identifiers exactly as identity does: a national phone number in the workspace's
 * region, blocked values left out. A workspace without a record has {@link
 * WorkspaceIdentifierRules#DEFAULT}.
 *
 * <p>The view reads the whole topic from its start on first use, with a consumer of its own (no
 * consumer group: every instance keeps the full view), and then follows it on a background thread;
 * a change reaches it within the time identity's outbox relay and one poll take. The first caller
 * waits until the records present at start have been read ({@code catchUp}); if the broker cannot
 * be reached by then, {@link IdentifierRulesUnavailableException} says so instead of answering by
 * the default rules. A record older than the one held (by version) is ignored, so the view never
 * goes back to older rules.
 */
public final class IdentifierRulesView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdentifierRulesView.class);

    private final ConsumerFactory<?, ?> consumers;
    private final String service;
    private final Duration catchUp;
    private final Map<String, IdentifierRulesChanged> byWorkspace = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean closed;
    private Thread follower;

    public IdentifierRulesView(ConsumerFactory<?, ?> consumers, String service, Duration catchUp) {
        this.consumers = consumers;
        this.service = service;
        this.catchUp = catchUp;
    }

    /** The rules of {@code workspaceId}: the latest published, or the defaults when it never set any. */
    public WorkspaceIdentifierRules rules(String workspaceId) {
        awaitCaughtUp();
        IdentifierRulesChanged changed = byWorkspace.get(workspaceId);
        return changed == null ? WorkspaceIdentifierRules.DEFAULT : changed.rules();
    }

    /** The identifier {@code type}/{@code value} stand for in {@code workspaceId}, as identity reads it. */
    public Optional<Identifier> identifier(String workspaceId, String type, String value, int maxLength) {
        return rules(workspaceId).identifier(type, value, maxLength);
    }

    /** The version of the rules held for {@code workspaceId}; 0 for the defaults. */
    public long version(String workspaceId) {
        awaitCaughtUp();
        IdentifierRulesChanged changed = byWorkspace.get(workspaceId);
        return changed == null ? 0 : changed.version();
    }

    private void awaitCaughtUp() {
        if (caughtUp.getCount() == 0) {
            return;
        }
        startOnce();
        try {
            if (!caughtUp.await(catchUp.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IdentifierRulesUnavailableException("The identifier rules (" + Topics.IDENTIFIER_RULES
                        + ") could not be read within " + catchUp + "; is Kafka reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentifierRulesUnavailableException("Interrupted while reading the identifier rules");
        }
    }

    private synchronized void startOnce() {
        if (follower != null || closed) {
            return;
        }
        follower = Thread.ofPlatform().daemon().name(service + "-identifier-rules").start(this::follow);
    }

    private void follow() {
        try (var ignored = ServiceLogContext.enter(service)) {
            followFromStart();
        }
    }

    private void followFromStart() {
        long backoffMillis = 200;
        while (!closed) {
            try (KafkaConsumer<String, byte[]> opened = open()) {
                consumer = opened;
                readFromStart(opened);
                backoffMillis = 200;
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("Reading {} failed, retrying in {} ms: {}", Topics.IDENTIFIER_RULES, backoffMillis, e.toString());
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 10_000);
            } finally {
                consumer = null;
            }
        }
    }

    private void readFromStart(KafkaConsumer<String, byte[]> opened) {
        List<PartitionInfo> infos = opened.partitionsFor(Topics.IDENTIFIER_RULES, Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + Topics.IDENTIFIER_RULES + " has no partitions yet");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        opened.assign(partitions);
        opened.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(opened.endOffsets(partitions, Duration.ofSeconds(10)));
        while (!closed) {
            for (ConsumerRecord<String, byte[]> record : opened.poll(Duration.ofMillis(500))) {
                apply(record);
            }
            if (caughtUp.getCount() > 0) {
                end.entrySet().removeIf(e -> opened.position(e.getKey()) >= e.getValue());
                if (end.isEmpty()) {
                    caughtUp.countDown();
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            byWorkspace.remove(record.key());
            return;
        }
        IdentifierRulesChanged changed;
        try {
            changed = MessageCodec.read(record.value(), IdentifierRulesChanged.class);
        } catch (RuntimeException e) {
            log.error("Ignoring an unreadable record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
            return;
        }
        byWorkspace.merge(changed.workspaceId(), changed,
                (held, incoming) -> incoming.version() >= held.version() ? incoming : held);
    }

    private KafkaConsumer<String, byte[]> open() {
        Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, service + "-identifier-rules-" + UUID.randomUUID());
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        Thread thread;
        synchronized (this) {
            thread = follower;
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The rules could not be read (the broker is away): a lookup cannot give identity's answer yet.
     * Transient: consumers retry it as an infrastructure failure, the HTTP API answers 503.
     */
    public static final class IdentifierRulesUnavailableException extends TransientDataAccessException {
        IdentifierRulesUnavailableException(String message) {
            super(message);
        }
    }
}
