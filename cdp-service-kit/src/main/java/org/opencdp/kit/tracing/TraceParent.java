package org.opencdp.kit.tracing;

import java.util.regex.Pattern;

/** A W3C {@code traceparent} value, version 00: {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}. */
record TraceParent(String traceId, String spanId, boolean sampled) {

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String INVALID_TRACE = "0".repeat(32);
    private static final String INVALID_SPAN = "0".repeat(16);

    /** The parsed value, or {@code null} for null, a malformed value or the all-zero ids W3C calls invalid. */
    static TraceParent parse(String value) {
        if (value == null || value.length() < 55 || !FORMAT.matcher(value.substring(0, 55)).matches()) {
            return null;
        }
        String traceId = value.substring(3, 35);
        String spanId = value.substring(36, 52);
        if (traceId.equals(INVALID_TRACE) || spanId.equals(INVALID_SPAN)) {
            return null;
        }
        boolean sampled = (Integer.parseInt(value.substring(53, 55), 16) & 1) == 1;
        return new TraceParent(traceId, spanId, sampled);
    }
}
