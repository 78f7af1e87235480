package org.opencdp.identity.privacy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.Topics;
import org.springframework.context.ApplicationContext;

/**
 * Hands ERASE commands to a running service's privacy listener as polled records, for tests that
 * drive the service without Kafka (the graph property tests): through the kit's batch consumer, as in
 * production.
 */
public final class Erasures {

    private static final AtomicLong OFFSETS = new AtomicLong();

    /** Erases the person {@code identifiers} belong to in {@code workspaceId}, in the caller's thread. */
    public static void erase(ApplicationContext context, String workspaceId, List<Identifier> identifiers) {
        PrivacyCommandIssued command = new PrivacyCommandIssued(UUID.randomUUID(), workspaceId, Instant.now(),
                UUID.randomUUID(), PrivacyCommandIssued.Command.ERASE, List.of(), identifiers, false);
        context.getBean(PrivacyCommandListener.class).on(List.of(new ConsumerRecord<>(Topics.PRIVACY_COMMANDS, 0,
                OFFSETS.getAndIncrement(), command.key(), MessageCodec.toJson(command))));
    }

    private Erasures() {
    }
}
