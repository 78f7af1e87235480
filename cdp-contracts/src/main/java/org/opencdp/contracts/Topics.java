package org.opencdp.contracts;

import java.util.List;

/**
 * The Kafka topics between services (DESIGN §3). Names are contracts: they change only by adding a
 * new {@code .vN} topic, never by renaming.
 */
public final class Topics {

    /** Accepted Segment-spec events, keyed {@code {workspace}:{userId or anonymousId}}. */
    public static final String EVENTS = "cdp.ingestion.events.v1";
    /** Events refused after acceptance (tracking plan, suppression), with reasons. */
    public static final String REJECTED_EVENTS = "cdp.ingestion.rejected.v1";
    /** Events with their canonical profile id, keyed {@code {workspace}:{profileId}}. */
    public static final String RESOLVED_EVENTS = "cdp.identity.resolved-events.v1";
    /** Each workspace's identifier rules (compacted), keyed {@code {workspace}}: {@link IdentifierRulesChanged}. */
    public static final String IDENTIFIER_RULES = "cdp.identity.identifier-rules.v1";
    /** Profile merges, keyed {@code {workspace}:{survivorId}}. */
    public static final String MERGES = "cdp.identity.merges.v1";
    /** Changed traits and computed traits, keyed {@code {workspace}:{profileId}}. */
    public static final String PROFILE_CHANGES = "cdp.profile.changes.v1";
    /** Segment entries and exits, keyed {@code {workspace}:{profileId}}. */
    public static final String MEMBERSHIPS = "cdp.segmentation.memberships.v1";
    /** A profile's consent state after each change (compacted), keyed {@code {workspace}:{profileId}}. */
    public static final String CONSENT_CHANGES = "cdp.consent.changes.v1";
    /** Erase and export commands, keyed {@code {workspace}:{requestId}}. */
    public static final String PRIVACY_COMMANDS = "cdp.privacy.commands.v1";
    /** Each service's acknowledgement of a privacy command, keyed {@code {workspace}:{requestId}}. */
    public static final String PRIVACY_ACKS = "cdp.privacy.acks.v1";

    /** Every contract topic, for provisioning. */
    public static final List<String> ALL = List.of(EVENTS, REJECTED_EVENTS, RESOLVED_EVENTS, IDENTIFIER_RULES, MERGES,
            PROFILE_CHANGES, MEMBERSHIPS, CONSENT_CHANGES, PRIVACY_COMMANDS, PRIVACY_ACKS);

    /** Topics whose latest record per key is the state, so Kafka compacts them. */
    public static final List<String> COMPACTED = List.of(IDENTIFIER_RULES, CONSENT_CHANGES);

    /** The dead-letter topic of one service's consumers: {@code cdp.<service>.dead-letters.v1}. */
    public static String deadLetters(String service) {
        return "cdp." + service + ".dead-letters.v1";
    }

    /** The partition key of a person-scoped message: {@code {workspace}:{id}}. */
    public static String key(String workspaceId, String id) {
        return workspaceId + ":" + id;
    }

    private Topics() {
    }
}
