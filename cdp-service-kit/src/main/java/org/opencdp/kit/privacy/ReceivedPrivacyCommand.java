package org.opencdp.kit.privacy;

import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.MalformedMessageException;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.kit.kafka.IncomingMessages;
import org.opencdp.kit.kafka.PermanentMessageException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A record of {@code cdp.privacy.commands.v1} as a service reads it: a command it can carry out, or
 * one it cannot read (a command type it does not know, a malformed member) but can still answer,
 * because it names its workspace and request. That one is acknowledged {@code FAILED} with the
 * reason rather than dead-lettered: consent-service waits for every service's answer, reading it
 * again cannot help, and the request then shows why instead of waiting for ever. A record without a
 * message id, workspace or request id cannot be answered and is dead-lettered. Every service that
 * takes part in privacy requests reads its commands through this, and answers with {@link
 * #acknowledgement}.
 */
public sealed interface ReceivedPrivacyCommand {

    /** The message id, for the kit's inbox. */
    UUID id();

    String workspaceId();

    UUID requestId();

    /** A command the service can carry out. */
    record Readable(PrivacyCommandIssued command) implements ReceivedPrivacyCommand {

        @Override
        public UUID id() {
            return command.id();
        }

        @Override
        public String workspaceId() {
            return command.workspaceId();
        }

        @Override
        public UUID requestId() {
            return command.requestId();
        }
    }

    /** A command the service cannot read, and why. */
    record Unreadable(UUID id, String workspaceId, UUID requestId, String reason) implements ReceivedPrivacyCommand {
    }

    /** Reads {@code record}; throws a permanent error for a record nobody could acknowledge. */
    static ReceivedPrivacyCommand of(ConsumerRecord<String, String> record) {
        PrivacyCommandIssued command;
        try {
            command = IncomingMessages.decode(record, PrivacyCommandIssued.class);
        } catch (MalformedMessageException e) {
            return unreadable(record.value(), e);
        }
        if (command.id() == null || command.requestId() == null || blank(command.workspaceId())) {
            throw new PermanentMessageException("Privacy command " + command.id()
                    + " lacks its message id, workspace or request id: there is no request to acknowledge");
        }
        if (command.command() == null) {
            return new Unreadable(command.id(), command.workspaceId(), command.requestId(),
                    "The command names no command (ERASE or EXPORT).");
        }
        return new Readable(command);
    }

    /** The answer of {@code service} to {@code command}; {@code export} only for an export. */
    static PrivacyCommandAcknowledged acknowledgement(ReceivedPrivacyCommand command, String service, Outcome outcome,
                                                     String detail, JsonNode export) {
        return new PrivacyCommandAcknowledged(UUID.randomUUID(), command.workspaceId(), Instant.now(),
                command.requestId(), service, outcome, detail, export);
    }

    private static ReceivedPrivacyCommand unreadable(String value, MalformedMessageException cause) {
        JsonNode tree;
        try {
            tree = MessageCodec.mapper().readTree(value);
        } catch (JacksonException e) {
            throw cause;
        }
        UUID id = uuid(tree.path("id"));
        UUID requestId = uuid(tree.path("requestId"));
        String workspaceId = tree.path("workspaceId").isString() ? tree.path("workspaceId").asString() : null;
        if (id == null || requestId == null || blank(workspaceId)) {
            throw cause;
        }
        return new Unreadable(id, workspaceId, requestId, "The command cannot be read: " + cause.getMessage());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static UUID uuid(JsonNode node) {
        if (!node.isString()) {
            return null;
        }
        try {
            return UUID.fromString(node.asString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
