package org.opencdp.activation.connector;

/** What a delivery tells a destination. The JSON and database form is the constant's name. */
public enum DeliveryKind {
    /** A track event the destination subscribed to. */
    event,
    /** The profile entered a subscribed segment. */
    segment_entered,
    /** The profile left a subscribed segment. */
    segment_exited
}
