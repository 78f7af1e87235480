package org.opencdp.ingestion.sources;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.problem.ValidationErrors;

/** The request and response bodies of the sources API. */
final class SourceApi {

    record CreateSourceRequest(@NotBlank @Size(max = 200) String name) {
    }

    /** A partial update: {@code enabled}, {@code rateLimit} (see {@link RateLimitPatch}), or both. */
    record UpdateSourceRequest(Boolean enabled, @Valid RateLimitPatch rateLimit) {

        @AssertTrue(message = "name at least one of 'enabled' and 'rateLimit'")
        public boolean isChange() {
            return enabled != null || rateLimit != null;
        }
    }

    /**
     * Optional body of {@code POST /v1/sources/{id}/write-key}: how long the old key stays valid
     * ({@code gracePeriod}, an ISO-8601 duration from {@code PT0S} to {@code P30D}; default {@code
     * cdp.ingestion.write-key-grace-period}), or {@code revokeOldKeyNow: true} to refuse it at once.
     */
    record RotateWriteKeyRequest(Duration gracePeriod, Boolean revokeOldKeyNow) {

        static final Duration MAX_GRACE_PERIOD = Duration.ofDays(30);
        static final RotateWriteKeyRequest DEFAULTS = new RotateWriteKeyRequest(null, null);

        /** 400 {@code validation_failed} for a negative or too long period, or one given with {@code revokeOldKeyNow}. */
        void validate() {
            ValidationErrors errors = new ValidationErrors();
            if (gracePeriod != null && (gracePeriod.isNegative() || gracePeriod.compareTo(MAX_GRACE_PERIOD) > 0)) {
                errors.add("/gracePeriod", "must be an ISO-8601 duration from PT0S to P30D");
            }
            if (revoke() && gracePeriod != null && !gracePeriod.isZero()) {
                errors.add("/revokeOldKeyNow", "revoking the old key now leaves no grace period: "
                        + "leave out 'gracePeriod' or set it to PT0S");
            }
            errors.throwIfAny();
        }

        boolean revoke() {
            return Boolean.TRUE.equals(revokeOldKeyNow);
        }
    }

    /** The rate limit a source works under, and whether it is the source's own ({@code custom}). */
    record RateLimitResponse(int eventsPerSecond, int burst, boolean custom) {
        static RateLimitResponse of(RateLimitOverride own, IngestionProperties.RateLimit defaults) {
            return own == null ? new RateLimitResponse(defaults.eventsPerSecond(), defaults.burst(), false)
                    : new RateLimitResponse(own.eventsPerSecond(), own.burst(), true);
        }
    }

    /**
     * A source as listed: the write key is never shown again, only its hint; {@code
     * previousWriteKeyExpiresAt} while the key a rotation replaced still works.
     */
    record SourceResponse(String id, String name, String writeKeyHint, boolean enabled, RateLimitResponse rateLimit,
                          Instant previousWriteKeyExpiresAt, Instant createdAt, Instant updatedAt) {
        static SourceResponse of(Source source, IngestionProperties.RateLimit defaults) {
            return new SourceResponse(source.id().toString(), source.name(), source.writeKeyHint(), source.enabled(),
                    RateLimitResponse.of(source.rateLimit(), defaults), source.previousWriteKeyExpiresAt(),
                    source.createdAt(), source.updatedAt());
        }
    }

    record SourceListResponse(List<SourceResponse> items) {
    }

    /**
     * The answer to creating a source or rotating its key: the only time the plain key is shown; after
     * a rotation, until when the old key still works (null: it was revoked at once).
     */
    record WriteKeyResponse(String id, String name, String writeKey, String writeKeyHint, boolean enabled,
                            Instant previousWriteKeyExpiresAt, Instant createdAt) {
        static WriteKeyResponse of(SourceService.SourceWithKey created) {
            Source source = created.source();
            return new WriteKeyResponse(source.id().toString(), source.name(), created.writeKey(),
                    source.writeKeyHint(), source.enabled(), source.previousWriteKeyExpiresAt(), source.createdAt());
        }
    }

    private SourceApi() {
    }
}
