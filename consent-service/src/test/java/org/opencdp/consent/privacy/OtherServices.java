package org.opencdp.consent.privacy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import tools.jackson.databind.JsonNode;

/**
 * The five services besides consent, as far as a privacy request sees them: they read the command
 * from {@link Topics#PRIVACY_COMMANDS} and answer on {@link Topics#PRIVACY_ACKS} in the contract's
 * wire format. Their handlers are theirs; these tests only need their acknowledgements.
 */
final class OtherServices {

    static final List<String> NAMES = List.of("ingestion", "identity", "profile", "segmentation", "activation");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestInfrastructure infrastructure;
    private final TopicWriter topics;

    OtherServices(TestInfrastructure infrastructure, TopicWriter topics) {
        this.infrastructure = infrastructure;
        this.topics = topics;
    }

    /** The commands issued for the request, as every service reads them. */
    List<PrivacyCommandIssued> commands(String workspaceId, String requestId, int atLeast) {
        String key = Topics.key(workspaceId, requestId);
        try (TopicReader reader = infrastructure.read(Topics.PRIVACY_COMMANDS)) {
            return reader.await(record -> key.equals(record.key()), atLeast, TIMEOUT).stream()
                    .map(record -> MessageCodec.read(record.value(), PrivacyCommandIssued.class)).toList();
        }
    }

    /** Every command issued for the request, after a quiet period (to prove there is no second one). */
    List<PrivacyCommandIssued> allCommands(String workspaceId, String requestId) {
        String key = Topics.key(workspaceId, requestId);
        try (TopicReader reader = infrastructure.read(Topics.PRIVACY_COMMANDS)) {
            return reader.drain(record -> key.equals(record.key()), Duration.ofSeconds(3)).stream()
                    .map(record -> MessageCodec.read(record.value(), PrivacyCommandIssued.class)).toList();
        }
    }

    /** One service's acknowledgement, as it would publish it. */
    PrivacyCommandAcknowledged ack(String workspaceId, String requestId, String service, Outcome outcome,
                                   JsonNode export) {
        return new PrivacyCommandAcknowledged(UUID.randomUUID(), workspaceId, Instant.now(),
                UUID.fromString(requestId), service, outcome, service + " says " + outcome, export);
    }

    /** Every one of the five acknowledges {@code DONE}, without an export. */
    void allDone(String workspaceId, String requestId) {
        topics.sendAll(NAMES.stream().map(name -> ack(workspaceId, requestId, name, Outcome.DONE, null)).toList());
    }

    void send(PrivacyCommandAcknowledged ack) {
        topics.send(ack);
    }
}
