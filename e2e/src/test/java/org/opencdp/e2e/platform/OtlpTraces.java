package org.opencdp.e2e.platform;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the few fields the tests need from an OTLP {@code ExportTraceServiceRequest} in protobuf (the
 * opentelemetry-proto messages, field numbers as in {@code trace.proto} and {@code resource.proto}), so
 * no generated protobuf classes are needed: request.resource_spans(1) → resource(1).attributes(1) and
 * scope_spans(2).spans(2) → trace_id(1), span_id(2), parent_span_id(4), name(5), kind(6).
 */
final class OtlpTraces {

    private static final HexFormat HEX = HexFormat.of();

    private OtlpTraces() {
    }

    static List<RecordedSpan> decode(byte[] request) {
        List<RecordedSpan> spans = new ArrayList<>();
        for (Field resourceSpans : fields(request)) {
            if (resourceSpans.number() != 1) {
                continue;
            }
            String service = "";
            List<byte[]> scopeSpans = new ArrayList<>();
            for (Field field : fields(resourceSpans.bytes())) {
                if (field.number() == 1) {
                    service = serviceName(field.bytes());
                } else if (field.number() == 2) {
                    scopeSpans.add(field.bytes());
                }
            }
            for (byte[] scope : scopeSpans) {
                for (Field span : fields(scope)) {
                    if (span.number() == 2) {
                        spans.add(span(service, span.bytes()));
                    }
                }
            }
        }
        return spans;
    }

    private static RecordedSpan span(String service, byte[] span) {
        String traceId = "";
        String spanId = "";
        String parentSpanId = "";
        String name = "";
        long kind = 0;
        for (Field field : fields(span)) {
            switch (field.number()) {
                case 1 -> traceId = HEX.formatHex(field.bytes());
                case 2 -> spanId = HEX.formatHex(field.bytes());
                case 4 -> parentSpanId = HEX.formatHex(field.bytes());
                case 5 -> name = new String(field.bytes(), StandardCharsets.UTF_8);
                case 6 -> kind = field.value();
                default -> { }
            }
        }
        return new RecordedSpan(service, traceId, spanId, parentSpanId, name, RecordedSpan.Kind.of(kind));
    }

    /** The resource's {@code service.name} attribute (a KeyValue with a string AnyValue). */
    private static String serviceName(byte[] resource) {
        for (Field attribute : fields(resource)) {
            if (attribute.number() != 1) {
                continue;
            }
            String key = null;
            String value = null;
            for (Field field : fields(attribute.bytes())) {
                if (field.number() == 1) {
                    key = new String(field.bytes(), StandardCharsets.UTF_8);
                } else if (field.number() == 2) {
                    for (Field any : fields(field.bytes())) {
                        if (any.number() == 1) {
                            value = new String(any.bytes(), StandardCharsets.UTF_8);
                        }
                    }
                }
            }
            if ("service.name".equals(key)) {
                return value;
            }
        }
        return "";
    }

    /** A message's fields: a varint or fixed number in {@code value}, or length-delimited {@code bytes}. */
    private record Field(int number, long value, byte[] bytes) {
    }

    private static List<Field> fields(byte[] message) {
        ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        List<Field> fields = new ArrayList<>();
        while (in.hasRemaining()) {
            long tag = varint(in);
            int number = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> fields.add(new Field(number, varint(in), null));
                case 1 -> fields.add(new Field(number, in.getLong(), null));
                case 2 -> {
                    byte[] bytes = new byte[(int) varint(in)];
                    in.get(bytes);
                    fields.add(new Field(number, 0, bytes));
                }
                case 5 -> fields.add(new Field(number, in.getInt(), null));
                default -> throw new IllegalArgumentException("unsupported protobuf wire type in field " + number);
            }
        }
        return fields;
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }
}
