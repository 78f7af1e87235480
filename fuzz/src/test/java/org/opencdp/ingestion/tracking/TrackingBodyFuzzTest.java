package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.fuzz.NastyInputs;
import org.opencdp.fuzz.Outcome;

/**
 * Issue 16: the Tracking API body, from the raw request bytes (gzip or not) to the messages it would
 * publish, as a batch call and as a single call. Whatever the bytes, the call is refused in a
 * documented way or what it publishes can be consumed and stored ({@link TrackingCall}); never
 * another exception, a hang, a stack overflow or an out-of-memory error.
 *
 * <p>Lives in the package of the code it fuzzes, whose steps are package-private.
 */
class TrackingBodyFuzzTest {

    private final TrackingCall call = new TrackingCall();

    @DictionaryEntries({"\"batch\":[", "\"type\":", "\"identify\"", "\"track\"", "\"page\"", "\"screen\"",
            "\"group\"", "\"alias\"", "\"userId\":", "\"anonymousId\":", "\"messageId\":", "\"event\":",
            "\"previousId\":", "\"groupId\":", "\"properties\":{", "\"traits\":{", "\"context\":{",
            "\"integrations\":{", "\"timestamp\":", "\"originalTimestamp\":", "\"sentAt\":", "\"writeKey\":",
            "\"2024-05-01T10:00:00.000Z\"", "\\u0000", "\\ud800", "1e999", "null", "true", "{}", "[]"})
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void trackingApiBody(byte[] raw) throws IOException {
        answer(raw);
    }

    /** The known-nasty inputs too large to seed the fuzzer ({@link NastyInputs#huge}), replayed in every build. */
    @ParameterizedTest
    @MethodSource("hugeInputs")
    void shouldAnswerHugeInputsAsDocumented(byte[] raw) throws IOException {
        answer(raw);
    }

    @Test
    void shouldPublishValidEventsSoTheFuzzTestChecksWhatIsPublished() throws IOException {
        assertThat(call.single(EventType.track, false, NastyInputs.utf8(
                "{\"userId\":\"u1\",\"event\":\"Order Completed\",\"properties\":{\"total\":19.90}}")))
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(answer(NastyInputs.utf8("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u1\"},{\"type\":\"nope\"}],"
                + "\"context\":{\"ip\":\"203.0.113.9\"}}"))).isEqualTo(Outcome.ACCEPTED);
        assertThat(answer(NastyInputs.gzip(NastyInputs.utf8("{\"batch\":[{\"type\":\"page\",\"anonymousId\":\"a\"}]}"))))
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void shouldRefuseWhatBreaksTheSpec() throws IOException {
        assertThat(call.single(EventType.alias, true, NastyInputs.utf8("{\"userId\":\"u1\"}"))).isEqualTo(Outcome.REFUSED);
        assertThat(call.batch(false, NastyInputs.utf8("{\"batch\":[{\"type\":\"track\",\"userId\":\"u\\u0000\"}]}")))
                .isEqualTo(Outcome.REFUSED);
        assertThat(answer(NastyInputs.utf8("[".repeat(100)))).isEqualTo(Outcome.REFUSED);
    }

    /**
     * Through {@code /v1/batch}, then through one single-event path; which one, and whether {@code
     * Sec-GPC: 1} was sent, follows from the body's length, so that an input always replays the same
     * way. Accepted when either call published.
     */
    private Outcome answer(byte[] raw) throws IOException {
        Optional<byte[]> body = TrackingCall.body(raw);
        if (body.isEmpty()) {
            return Outcome.REFUSED; // 413 payload_too_large or 400 invalid_gzip
        }
        byte[] bytes = body.get();
        boolean gpc = bytes.length / EventType.values().length % 2 == 1;
        Outcome batch = call.batch(gpc, bytes);
        Outcome single = call.single(EventType.values()[bytes.length % EventType.values().length], gpc, bytes);
        return batch == Outcome.ACCEPTED || single == Outcome.ACCEPTED ? Outcome.ACCEPTED : Outcome.REFUSED;
    }

    static Stream<Arguments> seeds() {
        return NastyInputs.seeds(nastyBodies());
    }

    static Stream<Arguments> hugeInputs() {
        return NastyInputs.huge(nastyBodies());
    }

    /** The known-nasty inputs (issue 16) in the shapes this target reads. */
    private static Stream<Named<byte[]>> nastyBodies() {
        return NastyInputs.inShapes(
                "{\"type\":\"track\",\"userId\":$v,\"event\":\"Order Completed\",\"properties\":{$n:$v}}",
                "{\"userId\":\"u1\",\"anonymousId\":$v,\"messageId\":$v,\"previousId\":$v,\"groupId\":$v,"
                        + "\"timestamp\":$v,\"sentAt\":\"2024-05-01T10:00:00Z\",\"traits\":{$n:{$n:$v}}}",
                "{\"userId\":\"u1\",\"event\":\"e\",\"originalTimestamp\":\"2024-05-01T10:00:00Z\",\"sentAt\":$v,"
                        + "\"context\":$v,\"integrations\":$v,\"writeKey\":$v}",
                "{\"batch\":[{\"type\":$v,\"userId\":\"u1\",\"event\":\"e\",\"context\":{$n:$v}},"
                        + "{\"type\":\"identify\",\"anonymousId\":\"a1\"}],\"sentAt\":$v,\"context\":{$n:$v}}",
                "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":$v,\"timestamp\":$v,"
                        + "\"sentAt\":\"9999-12-31T23:59:59Z\"}],\"integrations\":{$n:$v},\"batch\":$v}");
    }
}
