package org.opencdp.profile.privacy;

import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.MalformedMessageException;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.kit.kafka.IncomingMessages;
import org.opencdp.kit.kafka.PermanentMessageException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A record of {@code cdp.privacy.commands.v1} as profile reads it: a command it can carry out, or
 * one it cannot read (a command type it does not know, a malformed member) but can still answer,
 * because it names its workspace and request: that one is acknowledged {@code FAILED} with the
 * reason, since reading it again cannot help, and the request shows why instead of waiting for
 * ever. A record without a message id, workspace or request id cannot be answered and is
 * dead-lettered. (The same reading as identity-service's; see the report of issue 12 on moving it
 * into the kit.)
 */
sealed interface ReceivedCommand {

    /** The message id, for the kit's inbox. */
    UUID id();

    String workspaceId();

    UUID requestId();

    /** A command profile can carry out. */
    record Readable(PrivacyCommandIssued command) implements ReceivedCommand {

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

    /** A command profile cannot read, and why. */
    record Unreadable(UUID id, String workspaceId, UUID requestId, String reason) implements ReceivedCommand {
    }

    /** Reads {@code record}; throws a permanent error for a record nobody could acknowledge. */
    static ReceivedCommand of(ConsumerRecord<String, String> record) {
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

    private static ReceivedCommand unreadable(String value, MalformedMessageException cause) {
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
        return new Unreadable(id, workspaceId, requestId, "profile cannot read the command: " + cause.getMessage());
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
