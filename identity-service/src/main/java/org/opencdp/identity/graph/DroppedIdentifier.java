package org.opencdp.identity.graph;

/** An identifier of an event that resolution left out to respect the identity rules, and which rule. */
public record DroppedIdentifier(PersonIdentifier identifier, String reason) {
}
