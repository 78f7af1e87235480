package org.opencdp.activation.connector;

import tools.jackson.databind.node.ObjectNode;

/** A validated destination configuration: settings stored as they are, and secrets stored encrypted. */
public record ConnectorConfig(ObjectNode settings, ObjectNode secrets) {

    @Override
    public String toString() {
        return "ConnectorConfig[settings=" + settings + ", secrets=" + secrets.propertyNames() + "]";
    }
}
