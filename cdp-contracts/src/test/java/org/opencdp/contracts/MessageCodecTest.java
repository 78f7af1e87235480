package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class MessageCodecTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:15:30.123Z");

    @Test
    void shouldRoundTripAnAcceptedEventWithItsFreeFormFieldsIntact() {
        ObjectNode properties = MessageCodec.mapper().createObjectNode();
        properties.put("total", 49.99).putArray("skus").add("A-1").add("B-2");
        var event = new SegmentEvent(SegmentEvent.EventType.track, "m-1", "u-1", null, "Order Completed",
                null, null, null, null, AT, AT, AT, AT, null, properties, null, null);
        var accepted = new EventAccepted(UUID.randomUUID(), "ws_1", "src_1", AT, AT, event);

        byte[] json = MessageCodec.toBytes(accepted);
        EventAccepted read = MessageCodec.read(json, EventAccepted.class);

        assertThat(read).isEqualTo(accepted);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"type\":\"track\"", "\"occurredAt\":\"2026-11-28T10:15:30.123Z\"")
                .doesNotContain("anonymousId");
    }

    @Test
    void shouldIgnoreUnknownFieldsSoContractsCanGrowAdditively() {
        String json = """
                {"id":"7d3f2a4e-0a57-4a43-9a39-1c1b7c4e8f00","workspaceId":"ws_1","occurredAt":"2026-11-28T10:15:30Z",
                 "segmentId":"seg_1","profileId":"p_1","transition":"entered","version":3,"addedLater":{"x":1}}
                """;

        MembershipChanged read = MessageCodec.read(json, MembershipChanged.class);

        assertThat(read.transition()).isEqualTo(MembershipChanged.Transition.entered);
        assertThat(read.version()).isEqualTo(3);
    }

    @Test
    void shouldReadAProfileChangeWithItsVersionAndOneFromBeforeVersionsAsZero() {
        String numbered = """
                {"id":"7d3f2a4e-0a57-4a43-9a39-1c1b7c4e8f00","workspaceId":"ws_1","occurredAt":"2026-11-28T10:15:30Z",
                 "profileId":"p_1","traits":{"plan":"pro"},"computedTraits":{},"version":42}
                """;
        String older = """
                {"id":"7d3f2a4e-0a57-4a43-9a39-1c1b7c4e8f01","workspaceId":"ws_1","occurredAt":"2026-11-28T10:15:30Z",
                 "profileId":"p_1","traits":{"plan":"pro"},"computedTraits":{}}
                """;

        assertThat(MessageCodec.read(numbered, ProfileChanged.class).version()).isEqualTo(42);
        assertThat(MessageCodec.read(older, ProfileChanged.class).version()).isZero();
        assertThat(MessageCodec.toJson(MessageCodec.read(numbered, ProfileChanged.class))).contains("\"version\":42");
    }

    @Test
    void shouldRefuseMessagesWithoutIdOrWorkspaceAsMalformed() {
        assertThatThrownBy(() -> MessageCodec.read("{\"occurredAt\":\"2026-11-28T10:15:30Z\"}", ConsentChanged.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("without id or workspaceId");
        assertThatThrownBy(() -> MessageCodec.read("{not json", ConsentChanged.class))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void shouldRefuseHostilelyDeepJsonQuickly() {
        String deep = "{\"id\":\"7d3f2a4e-0a57-4a43-9a39-1c1b7c4e8f00\",\"workspaceId\":\"w\",\"purposes\":"
                + "[".repeat(10_000) + "]".repeat(10_000) + "}";

        assertThatThrownBy(() -> MessageCodec.read(deep, ConsentChanged.class))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void shouldDeriveTopicKeyAndCloudEventHeadersFromTheMessage() {
        var changed = new ConsentChanged(UUID.fromString("7d3f2a4e-0a57-4a43-9a39-1c1b7c4e8f00"), "ws_1", AT,
                "p_9", Map.of("marketing", true));

        Map<String, byte[]> headers = CloudEventHeaders.of(changed, CloudEventHeaders.sourceOf("consent"));

        assertThat(changed.topic()).isEqualTo(Topics.CONSENT_CHANGES);
        assertThat(changed.key()).isEqualTo("ws_1:p_9");
        assertThat(Topics.COMPACTED).contains(changed.topic());
        assertThat(headers).containsKeys(CloudEventHeaders.ID, CloudEventHeaders.TYPE, CloudEventHeaders.SOURCE,
                CloudEventHeaders.TIME, CloudEventHeaders.SUBJECT, CloudEventHeaders.SPEC_VERSION);
        assertThat(new String(headers.get(CloudEventHeaders.TYPE), StandardCharsets.UTF_8))
                .isEqualTo("cdp.consent.consent-changed");
        assertThat(new String(headers.get(CloudEventHeaders.SUBJECT), StandardCharsets.UTF_8)).isEqualTo("p_9");
        assertThat(new String(headers.get(CloudEventHeaders.SOURCE), StandardCharsets.UTF_8))
                .isEqualTo("/opencdp/consent");
    }

    @Test
    void shouldGiveEveryMessageRecordATypeNameThatMapsBack() {
        for (Class<?> permitted : CdpMessage.class.getPermittedSubclasses()) {
            @SuppressWarnings("unchecked")
            var messageClass = (Class<? extends CdpMessage>) permitted;
            String type = MessageTypes.typeOf(messageClass);
            assertThat(type).startsWith("cdp.").doesNotContain(permitted.getSimpleName());
            assertThat(MessageTypes.classOf(type)).contains(messageClass);
        }
        assertThat(Topics.ALL).doesNotHaveDuplicates().allMatch(t -> t.startsWith("cdp.") && t.endsWith(".v1"));
        assertThat(List.of(PrivacyCommandIssued.Command.values())).hasSize(2);
    }
}
