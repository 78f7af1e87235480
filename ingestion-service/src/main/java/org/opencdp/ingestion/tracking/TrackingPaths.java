package org.opencdp.ingestion.tracking;

import java.util.List;
import java.util.stream.Stream;

/**
 * The Tracking API paths: the Segment calls, the batch aliases and the one-letter forms
 * analytics.js uses, and RudderStack's beacon batch path ({@code /beacon/v1/batch?writeKey=}, what
 * its JavaScript SDK's {@code navigator.sendBeacon} posts to), each also with a trailing slash
 * (analytics-java posts to {@code /v1/import/}). {@link TrackingWebConfiguration} serves them
 * without a bearer token, with CORS and the body filter.
 */
final class TrackingPaths {

    static final List<String> CALLS = List.of("identify", "track", "page", "screen", "group", "alias", "batch",
            "import", "i", "t", "p", "s", "g", "a", "b");

    static final List<String> ALL = Stream.concat(CALLS.stream().map(call -> "/v1/" + call),
                    Stream.of("/beacon/v1/batch"))
            .flatMap(path -> Stream.of(path, path + "/"))
            .toList();

    private TrackingPaths() {
    }
}
