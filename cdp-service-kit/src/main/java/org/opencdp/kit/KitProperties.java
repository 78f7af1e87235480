package org.opencdp.kit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every service shares, under {@code cdp.kit.*}. Each service sets {@code service} in its
 * own configuration file; everything else has a default that works locally.
 *
 * @param service short service name ({@code identity}); names the Kafka consumer source, the
 *     dead-letter topic and the outbox lock
 */
@Validated
@ConfigurationProperties("cdp.kit")
public record KitProperties(
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9-]*") String service,
        @Valid @DefaultValue Security security,
        @Valid @DefaultValue Kafka kafka,
        @Valid @DefaultValue Outbox outbox,
        @Valid @DefaultValue Inbox inbox,
        @Valid @DefaultValue Consumer consumer,
        @Valid @DefaultValue Limits limits) {

    /**
     * Limits on the management APIs (not on public paths such as the Tracking API, which has its own).
     *
     * @param maxRequestSize the largest request body accepted (413 beyond)
     * @param requestsPerSecond the sustained rate one bearer token may call at, per instance
     * @param burst the requests one token may make at once before the rate applies (429 beyond)
     */
    public record Limits(@DefaultValue("1MB") org.springframework.util.unit.DataSize maxRequestSize,
                         @DefaultValue("200") @jakarta.validation.constraints.Positive double requestsPerSecond,
                         @DefaultValue("1000") @Min(1) int burst) {
    }

    /**
     * Bearer-token verification. Local mode signs HS256 tokens with {@code jwtSecret}; production
     * points {@code jwksUri} at any issuer's JWKS.
     *
     * @param jwtSecret HS256 secret, at least 32 bytes ({@code CDP_JWT_SECRET})
     * @param jwksUri JWKS of an external issuer; used when no secret is set
     * @param issuer expected {@code iss} claim: optional with a secret, required with a JWKS
     * @param audience expected {@code aud} claim (a token must name it); tokens the platform mints
     *     itself ({@link org.opencdp.kit.security.TokenIssuer}) name the default, {@code opencdp}
     * @param publicPaths path patterns served without a token, besides actuator, OpenAPI, Swagger UI and /error
     * @param serviceSecret HS256 secret, at least 32 bytes, of the credentials services call each
     *     other with ({@link org.opencdp.kit.security.ServiceCredentials}; {@code CDP_SERVICE_SECRET}):
     *     the same on every service. Unset, {@code jwtSecret} serves (local mode); with a JWKS it
     *     must be set for one service to call another
     */
    public record Security(String jwtSecret, URI jwksUri, String issuer, String audience, List<String> publicPaths,
                           String serviceSecret) {

        @ConstructorBinding
        public Security(String jwtSecret, URI jwksUri, String issuer,
                        @DefaultValue(org.opencdp.kit.security.TokenIssuer.DEFAULT_AUDIENCE) String audience,
                        @DefaultValue List<String> publicPaths, String serviceSecret) {
            this.jwtSecret = jwtSecret;
            this.jwksUri = jwksUri;
            this.issuer = issuer;
            this.audience = audience;
            this.publicPaths = publicPaths;
            this.serviceSecret = serviceSecret;
        }

        /** Settings without a service secret of their own. */
        public Security(String jwtSecret, URI jwksUri, String issuer, String audience, List<String> publicPaths) {
            this(jwtSecret, jwksUri, issuer, audience, publicPaths, null);
        }

        /** The secret service credentials are signed with: {@code serviceSecret}, else {@code jwtSecret}; null if neither. */
        public String effectiveServiceSecret() {
            if (serviceSecret != null && !serviceSecret.isBlank()) {
                return serviceSecret;
            }
            return jwtSecret == null || jwtSecret.isBlank() ? null : jwtSecret;
        }

        /** Settings with the default audience. */
        public Security(String jwtSecret, URI jwksUri, String issuer, List<String> publicPaths) {
            this(jwtSecret, jwksUri, issuer, org.opencdp.kit.security.TokenIssuer.DEFAULT_AUDIENCE, publicPaths);
        }

    }

    /**
     * @param partitions partitions of the contract topics this service creates when missing
     * @param replicationFactor replication of those topics
     * @param maxRetryTime no longer used: a record is dead-lettered only when its content is at fault
     *     ({@link org.opencdp.kit.kafka.ErrorClassifier}), never because retrying took long; kept so
     *     existing configuration still binds
     * @param maxRetryInterval the longest pause between two attempts at a record that failed on the
     *     infrastructure or on a bug; such records are retried for as long as it takes
     * @param deadLetterRetention how long the service's dead-letter topic keeps records
     *     ({@code retention.ms}, set when the kit creates the topic), so they can be replayed
     * @param createTopics whether to create missing topics at start-up
     */
    public record Kafka(@DefaultValue("6") @Min(1) int partitions,
                        @DefaultValue("1") @Min(1) short replicationFactor,
                        @DefaultValue("5m") Duration maxRetryTime,
                        @DefaultValue("30s") Duration maxRetryInterval,
                        @DefaultValue("30d") Duration deadLetterRetention,
                        @DefaultValue("true") boolean createTopics) {
    }

    /**
     * @param pollInterval how often the relay looks for rows when nothing woke it
     * @param batchSize rows published per relay transaction
     * @param sendTimeout how long the relay waits for Kafka to acknowledge a batch
     */
    public record Outbox(@DefaultValue("250ms") Duration pollInterval,
                         @DefaultValue("500") @Min(1) int batchSize,
                         @DefaultValue("30s") Duration sendTimeout) {
    }

    /**
     * @param retention how long a processed message id is remembered, measured on the consumer's own
     *     clock (behind its latest applied chunk, so a consumer that stood still forgets nothing).
     *     Kafka redeliveries are caught by the consumed offsets whatever their age; the ids only
     *     have to outlast the window in which an outbox relay can publish a row twice: from a
     *     send to the delete of its row, or until a crashed service's relay starts again
     * @param pruneInterval how often rows older than {@code retention} are deleted
     * @param pruneBatchSize rows deleted per statement
     */
    public record Inbox(@DefaultValue("1h") Duration retention,
                        @DefaultValue("1h") Duration pruneInterval,
                        @DefaultValue("10000") @Min(1) int pruneBatchSize) {
    }

    /**
     * How every {@link org.opencdp.kit.consume.BatchConsumer} applies what it polls.
     *
     * @param chunkSize records applied per database transaction
     * @param maxAttempts how often a chunk that lost a deadlock or lock race is run before it is
     *     retried one record at a time
     */
    public record Consumer(@DefaultValue("500") @Min(1) int chunkSize,
                           @DefaultValue("10") @Min(1) int maxAttempts) {
    }
}
