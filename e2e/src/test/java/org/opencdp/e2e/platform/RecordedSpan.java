package org.opencdp.e2e.platform;

/**
 * One exported span, as much of it as the tests read: the service that recorded it ({@code
 * service.name}), its ids (hex; {@code parentSpanId} empty for a trace's root), name and kind.
 */
public record RecordedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
                           Kind kind) {

    /** OTLP's span kinds, by their number in the protocol. */
    public enum Kind {
        UNSPECIFIED, INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER;

        static Kind of(long number) {
            return number >= 0 && number < values().length ? values()[(int) number] : UNSPECIFIED;
        }
    }

    public boolean isRoot() {
        return parentSpanId.isEmpty();
    }

    @Override
    public String toString() {
        return service + ":" + name + "(" + kind + ", " + spanId + " <- " + parentSpanId + ")";
    }
}
