package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.TestEvents;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.rules.Caps;
import org.opencdp.identity.rules.CustomIdentifier;
import org.opencdp.identity.rules.IdentityRules;
import org.opencdp.identity.rules.WorkspaceRules;
import org.opencdp.kit.kafka.PermanentMessageException;

class ResolutionInputTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");
    private static final IdentityProperties PROPERTIES = new IdentityProperties(512, 10, 100, Duration.ofSeconds(5),
            2000, 1000, 800_000, Duration.ofMinutes(1));
    private static final WorkspaceRules DEFAULTS = WorkspaceRules.defaults();

    @Test
    void shouldTakeUserIdAnonymousIdTraitsDeviceAndExternalIds() {
        EventAccepted message = TestEvents.event("ws", org.opencdp.contracts.SegmentEvent.EventType.identify, "u1", "a1",
                null, TestEvents.json("{\"email\": \" Jane.Doe@Example.COM \", \"phone\": \"+1 650-253-0000\"}"),
                TestEvents.json("""
                        {"traits": {"email": "jd@work.example.org"},
                         "device": {"id": "dev-1", "advertisingId": "idfa-1"},
                         "externalIds": [{"id": "hs-9", "type": "HubSpot_ID", "collection": "users", "encoding": "none"},
                                         {"id": 42, "type": "crm"},
                                         {"id": "acc-1", "type": "account_id", "collection": "accounts"}]}"""),
                AT);

        ResolutionInput input = ResolutionInput.of(message, DEFAULTS, PROPERTIES);

        assertThat(input.identifiers()).containsExactly(
                id("user_id", "u1"), id("anonymous_id", "a1"), id("email", "jane.doe@example.com"),
                id("email", "jd@work.example.org"), id("phone", "+16502530000"), id("device_id", "dev-1"),
                id("advertising_id", "idfa-1"), id("hubspot_id", "hs-9"), id("crm", "42"));
        assertThat(input.previousId()).isNull();
    }

    @Test
    void shouldLeaveOutBlockedAndInvalidValues() {
        EventAccepted message = TestEvents.event("ws", org.opencdp.contracts.SegmentEvent.EventType.identify, "null",
                "a1", null, TestEvents.json("{\"email\": \"not-an-email\", \"phone\": \"12\"}"),
                TestEvents.json("""
                        {"device": {"id": "unknown", "advertisingId": "00000000-0000-0000-0000-000000000000"},
                         "externalIds": [{"id": "-1", "type": "crm"}, {"id": "x", "type": "Bad Type!"},
                                         {"id": {"nested": true}, "type": "crm"}]}"""), AT);

        ResolutionInput input = ResolutionInput.of(message, DEFAULTS, PROPERTIES);

        assertThat(input.identifiers()).containsExactly(id("anonymous_id", "a1"));
    }

    @Test
    void shouldApplyTheWorkspacesBlockedValuesRegionAndCustomIdentifiers() {
        IdentityRules rules = new IdentityRules(IdentityRules.defaultIdentifiers(), "DE", List.of("guest"),
                List.of("^test-"), List.of(new CustomIdentifier("crm_id", List.of("traits.crm", "properties.crm"))),
                Caps.DEFAULT);
        EventAccepted message = TestEvents.event("ws", org.opencdp.contracts.SegmentEvent.EventType.identify, "GUEST",
                "test-123", null, TestEvents.json("{\"phone\": \"030 1234567\", \"crm\": 77}"), null, AT);

        ResolutionInput input = ResolutionInput.of(message, WorkspaceRules.of(rules, 3), PROPERTIES);

        assertThat(input.identifiers()).containsExactly(id("phone", "+49301234567"), id("crm_id", "77"));
    }

    @Test
    void shouldKeepTheNormalisedPreviousIdOfAnAlias() {
        ResolutionInput input = ResolutionInput.of(TestEvents.alias("ws", "u-new", "  anon-old "), DEFAULTS,
                PROPERTIES);

        assertThat(input.identifiers()).containsExactly(id("user_id", "u-new"));
        assertThat(input.previousId()).isEqualTo("anon-old");
        assertThat(input.lookups()).containsExactly(id("user_id", "u-new"), id("user_id", "anon-old"),
                id("anonymous_id", "anon-old"));
    }

    @Test
    void shouldRecordTheEventTimeMessageIdAndSourceAsTheSighting() {
        EventAccepted message = TestEvents.track("ws", null, "a1", AT);

        ResolutionInput input = ResolutionInput.of(message, DEFAULTS, PROPERTIES);

        assertThat(input.sighting().seenAt()).isEqualTo(AT);
        assertThat(input.sighting().eventId()).isEqualTo(message.event().messageId());
        assertThat(input.sighting().sourceId()).isEqualTo("src-web");
    }

    @Test
    void shouldRejectAnEventWithoutUserIdOrAnonymousIdForGood() {
        assertThatThrownBy(() -> ResolutionInput.of(TestEvents.track("ws", null, "", AT), DEFAULTS, PROPERTIES))
                .isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("neither a userId nor an anonymousId");
    }

    @Test
    void shouldRejectAnEventWhoseOnlyIdentifiersAreBlocked() {
        assertThatThrownBy(() -> ResolutionInput.of(TestEvents.track("ws", "undefined", "0", AT), DEFAULTS,
                PROPERTIES))
                .isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("no usable identifier");
    }

    @Test
    void shouldRejectAnUserIdLongerThanTheLimitWithoutEchoingIt() {
        String longId = "u".repeat(513);

        assertThatThrownBy(() -> ResolutionInput.of(TestEvents.track("ws", longId, "a1", AT), DEFAULTS, PROPERTIES))
                .isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("userId of 513 characters")
                .hasMessageNotContaining(longId);
        assertThat(ResolutionInput.of(TestEvents.track("ws", "u".repeat(512), "a1", AT), DEFAULTS, PROPERTIES)
                .identifiers()).hasSize(2);
    }

    @Test
    void shouldRejectAnEventWithTooManyIdentifiers() {
        StringBuilder externalIds = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            externalIds.append(i == 0 ? "" : ",").append("{\"id\": \"x").append(i).append("\", \"type\": \"t").append(i)
                    .append("\"}");
        }
        EventAccepted message = TestEvents.withContext("ws", "u1", null, "{\"externalIds\": [" + externalIds + "]}");

        assertThatThrownBy(() -> ResolutionInput.of(message, DEFAULTS, PROPERTIES))
                .isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("carries 11 identifiers; at most 10");
    }

    @Test
    void shouldRejectAMessageWithoutEventOrEventTime() {
        EventAccepted valid = TestEvents.track("ws", "u1", null, AT);
        EventAccepted noEvent = new EventAccepted(valid.id(), "ws", "src", AT, AT, null);
        EventAccepted noTime = new EventAccepted(valid.id(), "ws", "src", null, AT, valid.event());

        assertThatThrownBy(() -> ResolutionInput.of(noEvent, DEFAULTS, PROPERTIES))
                .isInstanceOf(PermanentMessageException.class).hasMessageContaining("has no event");
        assertThatThrownBy(() -> ResolutionInput.of(noTime, DEFAULTS, PROPERTIES))
                .isInstanceOf(PermanentMessageException.class).hasMessageContaining("has no occurredAt");
    }

    private static PersonIdentifier id(String type, String value) {
        return new PersonIdentifier(type, value);
    }

}
