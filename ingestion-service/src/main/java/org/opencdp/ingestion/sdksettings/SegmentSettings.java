package org.opencdp.ingestion.sdksettings;

import java.util.List;
import java.util.Map;
import org.opencdp.ingestion.sources.SourceDirectory.WriteKeySource;

/**
 * What Segment's CDN answers at {@code /v1/projects/{writeKey}/settings}, as far as the SDKs read
 * it: analytics-next takes {@code integrations["Segment.io"]} ({@code apiKey}, {@code apiHost},
 * {@code protocol}) for its Segment destination and loads no other (a single integration), no
 * middleware ({@code enabledMiddleware}, {@code middlewareSettings}), no video plugins, and sends no
 * metrics ({@code metrics.sampleRate} 0); analytics-kotlin reads the same {@code integrations},
 * {@code plan}, {@code edgeFunction} and {@code metrics}. Events are checked against the source's
 * tracking plan here, not in the client, so {@code plan} lets every event through.
 */
record SegmentSettings(
        Map<String, SegmentIo> integrations,
        Map<String, Map<String, Map<String, Object>>> plan,
        Map<String, Object> edgeFunction,
        boolean analyticsNextEnabled,
        Map<String, Object> middlewareSettings,
        Map<String, Boolean> enabledMiddleware,
        Metrics metrics,
        boolean legacyVideoPluginsEnabled,
        List<Object> remotePlugins,
        Map<String, Object> autoInstrumentationSettings) {

    static final String SEGMENT_IO = "Segment.io";

    static SegmentSettings of(String writeKey, String apiHost, String protocol, WriteKeySource source) {
        Map<String, Map<String, Object>> everything = Map.of("__default", Map.of("enabled", true));
        return new SegmentSettings(
                Map.of(SEGMENT_IO, new SegmentIo(writeKey, apiHost, protocol, List.of(), true, Map.of())),
                Map.of("track", everything, "identify", everything, "group", everything),
                Map.of(), true, Map.of(), Map.of(), new Metrics(0), false, List.of(),
                Map.of("sampleRate", 0));
    }

    /** The Segment destination's settings: where and how events are sent. */
    record SegmentIo(String apiKey, String apiHost, String protocol, List<String> unbundledIntegrations,
                     boolean addBundledMetadata, Map<String, List<String>> maybeBundledConfigIds) {
    }

    /** Client metrics to Segment: none. */
    record Metrics(double sampleRate) {
    }
}
