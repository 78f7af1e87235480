package org.opencdp.kit.tracing;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/** The {@value TraceContexts#TRACEPARENT} header of Kafka records, beside the CloudEvents headers. */
public final class KafkaTraceHeaders {

    private KafkaTraceHeaders() {
    }

    /** The record's {@value TraceContexts#TRACEPARENT}, or {@code null}. */
    public static String traceparent(Headers headers) {
        Header header = headers.lastHeader(TraceContexts.TRACEPARENT);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Sets header {@code name} to {@code value}, replacing any earlier one. */
    public static void set(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }
}
