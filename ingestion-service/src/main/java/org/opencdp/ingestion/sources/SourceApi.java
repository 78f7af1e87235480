package org.opencdp.ingestion.sources;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.opencdp.ingestion.IngestionProperties;

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

    /** The rate limit a source works under, and whether it is the source's own ({@code custom}). */
    record RateLimitResponse(int eventsPerSecond, int burst, boolean custom) {
        static RateLimitResponse of(RateLimitOverride own, IngestionProperties.RateLimit defaults) {
            return own == null ? new RateLimitResponse(defaults.eventsPerSecond(), defaults.burst(), false)
                    : new RateLimitResponse(own.eventsPerSecond(), own.burst(), true);
        }
    }

    /** A source as listed: the write key is never shown again, only its hint. */
    record SourceResponse(String id, String name, String writeKeyHint, boolean enabled, RateLimitResponse rateLimit,
                          Instant createdAt, Instant updatedAt) {
        static SourceResponse of(Source source, IngestionProperties.RateLimit defaults) {
            return new SourceResponse(source.id().toString(), source.name(), source.writeKeyHint(), source.enabled(),
                    RateLimitResponse.of(source.rateLimit(), defaults), source.createdAt(), source.updatedAt());
        }
    }

    record SourceListResponse(List<SourceResponse> items) {
    }

    /** The answer to creating a source or rotating its key: the only time the plain key is shown. */
    record WriteKeyResponse(String id, String name, String writeKey, String writeKeyHint, boolean enabled,
                            Instant createdAt) {
        static WriteKeyResponse of(SourceService.SourceWithKey created) {
            Source source = created.source();
            return new WriteKeyResponse(source.id().toString(), source.name(), created.writeKey(),
                    source.writeKeyHint(), source.enabled(), source.createdAt());
        }
    }

    private SourceApi() {
    }
}
