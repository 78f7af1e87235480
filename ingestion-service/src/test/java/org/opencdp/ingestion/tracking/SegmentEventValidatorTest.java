package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import tools.jackson.databind.node.ObjectNode;

class SegmentEventValidatorTest {

    private static final Instant RECEIVED_AT = Instant.parse("2024-05-01T12:00:00Z");
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private final TrackingJson json = new TrackingJson(MessageCodec.mapper(), 500_000);

    @Test
    void shouldAcceptATrackCallAndKeepItsObjectsExactlyAsSent() {
        ObjectNode body = read("""
                {"userId": "u1", "anonymousId": "a1", "event": "Order Completed", "messageId": "m-1",
                 "properties": {"total": 19.90, "items": [{"sku": "x"}], "coupon": null},
                 "context": {"ip": "1.2.3.4", "library": {"name": "analytics.js"}},
                 "integrations": {"All": true}}""");

        SegmentEvent event = valid(EventType.track, body);

        assertThat(event.type()).isEqualTo(EventType.track);
        assertThat(event.userId()).isEqualTo("u1");
        assertThat(event.anonymousId()).isEqualTo("a1");
        assertThat(event.event()).isEqualTo("Order Completed");
        assertThat(event.messageId()).isEqualTo("m-1");
        assertThat(event.properties()).isEqualTo(body.get("properties"));
        assertThat(event.properties().toString()).contains("19.90").contains("\"coupon\":null");
        assertThat(event.context()).isEqualTo(body.get("context"));
        assertThat(event.integrations()).isEqualTo(body.get("integrations"));
        assertThat(event.receivedAt()).isEqualTo(RECEIVED_AT);
        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT);
    }

    @Test
    void shouldCoerceNumericIdsToStringsAsSegmentDoes() {
        SegmentEvent event = valid(EventType.group, read("{\"userId\": 42, \"groupId\": 7}"));

        assertThat(event.userId()).isEqualTo("42");
        assertThat(event.groupId()).isEqualTo("7");
    }

    @Test
    void shouldGenerateAMessageIdWhenAbsent() {
        SegmentEvent event = valid(EventType.identify, read("{\"anonymousId\": \"a1\"}"));

        assertThat(UUID.fromString(event.messageId())).isNotNull();
    }

    @Test
    void shouldRequireAUserIdOrAnAnonymousId() {
        assertThat(reasons(EventType.identify, "{\"traits\": {}}"))
                .extracting(Reason::code, Reason::path).containsExactly(tuple(
                        "missing_identity", "/userId"));
        assertThat(reasons(EventType.identify, "{\"userId\": \"  \"}")).extracting(Reason::code)
                .containsExactly("missing_identity");
    }

    @Test
    void shouldRequireTheFieldsOfEachCallType() {
        assertThat(reasons(EventType.track, "{\"userId\": \"u1\"}")).extracting(Reason::path)
                .containsExactly("/event");
        assertThat(reasons(EventType.alias, "{\"userId\": \"u1\"}")).extracting(Reason::path)
                .containsExactly("/previousId");
        assertThat(reasons(EventType.alias, "{\"anonymousId\": \"a1\", \"previousId\": \"p\"}"))
                .extracting(Reason::code, Reason::path)
                .containsExactly(tuple("missing_field", "/userId"));
        assertThat(reasons(EventType.group, "{\"userId\": \"u1\"}")).extracting(Reason::path)
                .containsExactly("/groupId");
    }

    @Test
    void shouldAcceptPageAndScreenWithoutAName() {
        assertThat(valid(EventType.page, read("{\"anonymousId\": \"a1\"}")).name()).isNull();
        assertThat(valid(EventType.screen, read("{\"anonymousId\": \"a1\", \"name\": \"Home\"}")).name())
                .isEqualTo("Home");
    }

    @Test
    void shouldRefuseObjectsOfTheWrongTypeAndReportEveryReason() {
        var reasons = reasons(EventType.track, """
                {"userId": true, "event": 5, "context": "web", "properties": [1], "traits": 3,
                 "integrations": "all"}""");

        assertThat(reasons).extracting(Reason::code).containsOnly("invalid_field");
        assertThat(reasons).extracting(Reason::path).containsExactlyInAnyOrder("/userId", "/event", "/context",
                "/properties", "/traits", "/integrations");
    }

    @Test
    void shouldTreatJsonNullObjectsAsAbsent() {
        SegmentEvent event = valid(EventType.identify, read("{\"userId\": \"u1\", \"traits\": null}"));

        assertThat(event.traits()).isNull();
    }

    @Test
    void shouldRefuseAMessageIdLongerThan100Characters() {
        assertThat(reasons(EventType.identify, "{\"userId\": \"u1\", \"messageId\": \"" + "m".repeat(101) + "\"}"))
                .extracting(Reason::code).containsExactly("invalid_message_id");
        assertThat(valid(EventType.identify, read("{\"userId\": \"u1\", \"messageId\": \"" + "m".repeat(100) + "\"}"))
                .messageId()).hasSize(100);
    }

    @Test
    void shouldRefuseTimestampsThatAreNotIsoDateTimes() {
        assertThat(reasons(EventType.identify, "{\"userId\": \"u1\", \"timestamp\": \"last tuesday\"}"))
                .extracting(Reason::code, Reason::path)
                .containsExactly(tuple("invalid_timestamp", "/timestamp"));
        assertThat(reasons(EventType.identify, "{\"userId\": \"u1\", \"sentAt\": 1714560000}"))
                .extracting(Reason::path).containsExactly("/sentAt");
    }

    @Test
    void shouldCorrectTheTimestampWithSentAtAndKeepTheClientValue() {
        SegmentEvent event = valid(EventType.track, read("""
                {"userId": "u1", "event": "E", "timestamp": "2020-01-01T00:00:00Z", "sentAt": "2020-01-01T00:00:10Z"}"""));

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT.minusSeconds(10));
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(event.sentAt()).isEqualTo(Instant.parse("2020-01-01T00:00:10Z"));
    }

    @Test
    void shouldCorrectAnOriginalTimestampAsRudderStackSendsIt() {
        SegmentEvent event = valid(EventType.track, read("""
                {"userId": "u1", "event": "E", "originalTimestamp": "2020-01-01T00:00:00Z",
                 "sentAt": "2020-01-01T00:00:02Z"}"""));

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT.minusSeconds(2));
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void shouldTakeTheTypeOfABatchItemFromTheItemAndApplyTheBatchDefaults() {
        var defaults = new BatchDefaults(Instant.parse("2020-01-01T00:00:05Z"),
                read("{\"library\": {\"name\": \"analytics-java\"}, \"ip\": \"1.1.1.1\"}"), null, false);
        SegmentEvent event = (((EventCheck.Valid) SegmentEventValidator.check(null, read("""
                {"type": "page", "anonymousId": "a1", "timestamp": "2020-01-01T00:00:00Z", "context": {"ip": "2.2.2.2"}}"""),
                defaults, RECEIVED_AT, TOLERANCE))).event();

        assertThat(event.type()).isEqualTo(EventType.page);
        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT.minusSeconds(5));
        assertThat(event.context()).isEqualTo(read("{\"library\": {\"name\": \"analytics-java\"}, \"ip\": \"2.2.2.2\"}"));
    }

    @Test
    void shouldSetGpcInTheContextOfEveryEventOfARequestWithSecGpcWithoutChangingTheRequest() { // issue 12
        var body = read("""
                {"type": "track", "userId": "u1", "event": "E", "context": {"ip": "2.2.2.2", "gpc": false}}""");
        var batch = new BatchDefaults(null, read("{\"library\": {\"name\": \"analytics-java\"}}"), null, true);

        SegmentEvent spoofed = ((EventCheck.Valid) SegmentEventValidator.check(null, body, batch, RECEIVED_AT,
                TOLERANCE)).event();
        SegmentEvent bare = ((EventCheck.Valid) SegmentEventValidator.check(EventType.track,
                read("{\"userId\": \"u1\", \"event\": \"E\"}"), BatchDefaults.single(true), RECEIVED_AT,
                TOLERANCE)).event();

        assertThat(spoofed.context()).isEqualTo(read(
                "{\"library\": {\"name\": \"analytics-java\"}, \"ip\": \"2.2.2.2\", \"gpc\": true}"));
        assertThat(body.path("context").path("gpc").booleanValue()).isFalse();
        assertThat(bare.context()).isEqualTo(read("{\"gpc\": true}"));
    }

    @Test
    void shouldKeepWhatTheSdkSaidAboutGpcWithoutTheHeader() { // issue 12
        for (String gpc : List.of("true", "false", "\"1\"")) {
            SegmentEvent event = ((EventCheck.Valid) SegmentEventValidator.check(EventType.track,
                    read("{\"userId\": \"u1\", \"event\": \"E\", \"context\": {\"gpc\": " + gpc + "}}"),
                    BatchDefaults.single(false), RECEIVED_AT, TOLERANCE)).event();

            assertThat(event.context()).as(gpc).isEqualTo(read("{\"gpc\": " + gpc + "}"));
        }
    }

    @Test
    void shouldRecordAFutureEventTimeItReplacedInTheContextWithoutChangingTheRequest() { // issue 10
        ObjectNode body = read("""
                {"userId": "u1", "event": "Signed Up", "timestamp": "9999-01-01T00:00:00Z",
                 "context": {"ip": "1.2.3.4", "opencdp": {"other": 1}}}""");

        SegmentEvent event = valid(EventType.track, body);

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT);
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("9999-01-01T00:00:00Z"));
        assertThat(event.context()).isEqualTo(read("""
                {"ip": "1.2.3.4", "opencdp": {"other": 1,
                 "timestampAdjusted": {"from": "9999-01-01T00:00:00Z", "reason": "future"}}}"""));
        assertThat(body.get("context")).isEqualTo(read("{\"ip\": \"1.2.3.4\", \"opencdp\": {\"other\": 1}}"));
        SegmentEvent withoutContext = valid(EventType.track,
                read("{\"userId\": \"u1\", \"event\": \"E\", \"timestamp\": \"9999-01-01T00:00:00Z\"}"));
        assertThat(withoutContext.context().path("opencdp").path("timestampAdjusted").path("from").asString())
                .isEqualTo("9999-01-01T00:00:00Z");
    }

    @Test
    void shouldShareTheBatchContextBetweenEventsWithoutOneEventsChangesReachingAnotherIssue10() {
        ObjectNode shared = read("{\"library\": {\"name\": \"analytics-java\"}, \"opencdp\": {\"other\": 1}}");
        var batch = new BatchDefaults(null, shared, null, true);

        SegmentEvent future = ((EventCheck.Valid) SegmentEventValidator.check(null, read("""
                {"type": "track", "userId": "u1", "event": "E", "timestamp": "9999-01-01T00:00:00Z"}"""), batch,
                RECEIVED_AT, TOLERANCE)).event();
        SegmentEvent present = ((EventCheck.Valid) SegmentEventValidator.check(null, read("""
                {"type": "track", "userId": "u2", "event": "E", "context": {"ip": "2.2.2.2"}}"""), batch,
                RECEIVED_AT, TOLERANCE)).event();

        assertThat(future.context()).isEqualTo(read("""
                {"library": {"name": "analytics-java"}, "gpc": true, "opencdp": {"other": 1,
                 "timestampAdjusted": {"from": "9999-01-01T00:00:00Z", "reason": "future"}}}"""));
        assertThat(present.context()).isEqualTo(read("""
                {"library": {"name": "analytics-java"}, "opencdp": {"other": 1}, "ip": "2.2.2.2", "gpc": true}"""));
        assertThat(shared).isEqualTo(read("{\"library\": {\"name\": \"analytics-java\"}, \"opencdp\": {\"other\": 1}}"));
    }

    @Test
    void shouldRefuseABatchItemWithoutAKnownType() {
        var check = SegmentEventValidator.check(null, read("{\"type\": \"purchase\", \"userId\": \"u1\"}"),
                BatchDefaults.NONE, RECEIVED_AT, TOLERANCE);

        assertThat(((EventCheck.Invalid) check).code()).isEqualTo("invalid_type");
        assertThat(((EventCheck.Invalid) SegmentEventValidator.check(null, MessageCodec.mapper().readTree("[1]"),
                BatchDefaults.NONE, RECEIVED_AT, TOLERANCE)).code()).isEqualTo("invalid_event");
    }

    private SegmentEvent valid(EventType type, ObjectNode body) {
        EventCheck check = SegmentEventValidator.check(type, body, BatchDefaults.NONE, RECEIVED_AT, TOLERANCE);
        assertThat(check).isInstanceOf(EventCheck.Valid.class);
        return ((EventCheck.Valid) check).event();
    }

    private List<Reason> reasons(EventType type, String body) {
        EventCheck check = SegmentEventValidator.check(type, read(body), BatchDefaults.NONE, RECEIVED_AT, TOLERANCE);
        assertThat(check).isInstanceOf(EventCheck.Invalid.class);
        return ((EventCheck.Invalid) check).reasons();
    }

    private ObjectNode read(String body) {
        return json.readObject(body.getBytes(StandardCharsets.UTF_8));
    }
}
