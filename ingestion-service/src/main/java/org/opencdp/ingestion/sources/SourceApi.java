package org.opencdp.ingestion.sources;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** The request and response bodies of the sources API. */
final class SourceApi {

    record CreateSourceRequest(@NotBlank @Size(max = 200) String name) {
    }

    record UpdateSourceRequest(@NotNull Boolean enabled) {
    }

    /** A source as listed: the write key is never shown again, only its hint. */
    record SourceResponse(String id, String name, String writeKeyHint, boolean enabled, Instant createdAt,
                          Instant updatedAt) {
        static SourceResponse of(Source source) {
            return new SourceResponse(source.id().toString(), source.name(), source.writeKeyHint(), source.enabled(),
                    source.createdAt(), source.updatedAt());
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
