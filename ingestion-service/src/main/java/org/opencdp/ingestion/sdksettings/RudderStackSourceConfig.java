package org.opencdp.ingestion.sdksettings;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.opencdp.ingestion.sources.SourceDirectory.WriteKeySource;

/**
 * What RudderStack's control plane answers at {@code /sourceConfig}, as far as its JavaScript SDK
 * (v3) reads it: {@code source} with an {@code id}, an object {@code config} and a {@code
 * destinations} array (its validity check), {@code enabled}, {@code name} and {@code workspaceId}.
 * No device-mode destinations (activation runs here, server side) and no error or metrics
 * collection to RudderStack ({@code config.statsCollection}).
 */
record RudderStackSourceConfig(boolean isHosted, Source source) {

    static RudderStackSourceConfig of(String writeKey, WriteKeySource source) {
        Map<String, Object> off = Map.of("enabled", false);
        return new RudderStackSourceConfig(false, new Source(source.sourceId(), source.name(), writeKey, true,
                source.workspaceId(), Map.of("statsCollection", Map.of("errors", off, "metrics", off)), List.of(),
                source.updatedAt()));
    }

    record Source(String id, String name, String writeKey, boolean enabled, String workspaceId,
                  Map<String, Object> config, List<Object> destinations, Instant updatedAt) {
    }
}
