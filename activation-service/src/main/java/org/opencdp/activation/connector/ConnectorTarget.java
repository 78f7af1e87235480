package org.opencdp.activation.connector;

import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/** The destination a connector sends to: its settings and its decrypted secrets (never logged). */
public record ConnectorTarget(UUID destinationId, String workspaceId, ObjectNode settings, ObjectNode secrets) {

    @Override
    public String toString() {
        return "ConnectorTarget[destinationId=" + destinationId + ", workspaceId=" + workspaceId
                + ", settings=" + settings + ", secrets=<redacted>]";
    }
}
