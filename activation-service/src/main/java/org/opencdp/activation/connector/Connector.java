package org.opencdp.activation.connector;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * A kind of destination: how its configuration is checked and how deliveries reach it over its
 * real wire format. One Spring bean per type; {@link Connectors} finds them by {@link #type()}, so
 * a new destination (Meta Custom Audiences, Google Ads Customer Match, HubSpot) is one more bean.
 *
 * <p>A connector is only ever handed deliveries that consent-service allowed: each carries the
 * decision id, which the connector passes on where the wire format has room for it.
 */
public interface Connector {

    /** The destination {@code type} this connector serves, e.g. {@code webhook}. */
    String type();

    /**
     * Whether this connector keeps an audience at the destination in step with segments: it takes
     * segment entries and exits only (never track events), and each delivery comes with the
     * profile's e-mails and phones ({@link OutboundDelivery#identifiers()}).
     */
    default boolean syncsAudiences() {
        return false;
    }

    /**
     * The configuration keys that are credentials: they are encrypted at rest and never returned.
     * An update may omit them to keep the stored values.
     */
    Set<String> secretFields();

    /**
     * Checks a destination's configuration and splits it into its public settings and its
     * secrets. Throws a {@code 400 invalid_destination_config} problem listing every bad field.
     */
    ConnectorConfig validate(ObjectNode config);

    /**
     * Sends consented deliveries to one destination and tells, for each delivery id, what became
     * of it. Never throws for a failed send: a failure is a {@link SendOutcome}. Connectors whose
     * APIs take batches send them as one call; the others may send them concurrently. Every call
     * ends by {@code deadline} (the dispatch round's), whatever the destination does.
     */
    Map<UUID, SendOutcome> send(ConnectorTarget target, List<OutboundDelivery> deliveries, Instant deadline);
}
