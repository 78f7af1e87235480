package org.opencdp.identity;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the identity service, under {@code cdp.identity.*}.
 *
 * @param maxIdentifierLength the longest identifier value (in characters): an event with a longer
 *     {@code userId} or {@code anonymousId} is dead-lettered, longer values of other identifiers are
 *     ignored. At most 600, so that even four-byte characters keep an identifier inside
 *     PostgreSQL's index row limit ({@code CDP_IDENTITY_MAX_IDENTIFIER_LENGTH})
 * @param maxIdentifiersPerEvent the most identifiers one event may carry (user id, anonymous id,
 *     traits, device, external ids, custom); an event with more is dead-lettered
 *     ({@code CDP_IDENTITY_MAX_IDENTIFIERS_PER_EVENT})
 * @param eventsPerTransaction how many consumed events one database transaction resolves: more is
 *     faster, but holds more locks at once (one advisory lock per identifier)
 *     ({@code CDP_IDENTITY_EVENTS_PER_TRANSACTION})
 * @param rulesCacheTtl how long an instance keeps a workspace's identity rules before reading them
 *     again; a change reaches other instances within this time ({@code CDP_IDENTITY_RULES_CACHE_TTL})
 * @param rulesPublishInterval how often an instance looks for stored identity rules that were never
 *     published on {@code cdp.identity.identifier-rules.v1} (rules from before identity published
 *     them, a change stored by an older release during an upgrade); it also looks at start
 *     ({@code CDP_IDENTITY_RULES_PUBLISH_INTERVAL})
 * @param exportIdentifiersPerProfile the most identifiers of one profile a privacy export lists (the
 *     earliest); the export says how many it left out ({@code CDP_IDENTITY_EXPORT_IDENTIFIERS_PER_PROFILE})
 * @param exportMergesListed the most merge records a privacy export lists (the oldest)
 *     ({@code CDP_IDENTITY_EXPORT_MERGES_LISTED})
 * @param exportMaxBytes the most bytes of JSON a privacy export may take, whatever the counts, so the
 *     acknowledgement carrying it stays under Kafka's record limit (1 MB by default)
 *     ({@code CDP_IDENTITY_EXPORT_MAX_BYTES})
 */
@Validated
@ConfigurationProperties("cdp.identity")
public record IdentityProperties(
        @DefaultValue("512") @Min(1) @Max(600) int maxIdentifierLength,
        @DefaultValue("50") @Min(2) @Max(1000) int maxIdentifiersPerEvent,
        @DefaultValue("100") @Min(1) @Max(1000) int eventsPerTransaction,
        @DefaultValue("5s") @NotNull Duration rulesCacheTtl,
        @DefaultValue("2000") @Min(1) @Max(100_000) int exportIdentifiersPerProfile,
        @DefaultValue("1000") @Min(0) @Max(100_000) int exportMergesListed,
        @DefaultValue("800000") @Min(10_000) @Max(900_000) int exportMaxBytes,
        @DefaultValue("1m") @NotNull Duration rulesPublishInterval) {
}
