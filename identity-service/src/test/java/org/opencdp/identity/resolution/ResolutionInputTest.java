package org.opencdp.identity.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.identity.TestEvents;
import org.opencdp.identity.graph.IdentifierType;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.kit.kafka.PermanentMessageException;

class ResolutionInputTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");

    @Test
    void shouldTakeTheUserIdFirstAndTheAnonymousIdSecond() {
        EventAccepted message = TestEvents.track("ws", "u1", "a1", AT);

        ResolutionInput input = ResolutionInput.of(message, 512);

        assertThat(input.identifiers()).containsExactly(
                new PersonIdentifier(IdentifierType.USER_ID, "u1"),
                new PersonIdentifier(IdentifierType.ANONYMOUS_ID, "a1"));
        assertThat(input.decisive()).isEqualTo(new PersonIdentifier(IdentifierType.USER_ID, "u1"));
    }

    @Test
    void shouldRecordTheEventTimeMessageIdAndSourceAsTheSighting() {
        EventAccepted message = TestEvents.track("ws", null, "a1", AT);

        ResolutionInput input = ResolutionInput.of(message, 512);

        assertThat(input.sighting().seenAt()).isEqualTo(AT);
        assertThat(input.sighting().eventId()).isEqualTo(message.event().messageId());
        assertThat(input.sighting().sourceId()).isEqualTo("src-web");
    }

    @Test
    void shouldResolveAnAnonymousEventByItsAnonymousId() {
        ResolutionInput input = ResolutionInput.of(TestEvents.track("ws", null, "a1", AT), 512);

        assertThat(input.identifiers()).containsExactly(new PersonIdentifier(IdentifierType.ANONYMOUS_ID, "a1"));
    }

    @Test
    void shouldTreatBlankIdsAsAbsent() {
        ResolutionInput input = ResolutionInput.of(TestEvents.track("ws", "  ", "a1", AT), 512);

        assertThat(input.identifiers()).containsExactly(new PersonIdentifier(IdentifierType.ANONYMOUS_ID, "a1"));
    }

    @Test
    void shouldRejectAnEventWithoutUserIdOrAnonymousIdForGood() {
        assertThatThrownBy(() -> ResolutionInput.of(TestEvents.track("ws", null, "", AT), 512))
                .isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("neither a userId nor an anonymousId");
    }

    @Test
    void shouldRejectAnIdentifierLongerThanTheLimitWithoutEchoingIt() {
        String longId = "u".repeat(513);

        assertThatThrownBy(() -> ResolutionInput.of(TestEvents.track("ws", longId, "a1", AT), 512))
                .isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("userId of 513 characters")
                .hasMessageNotContaining(longId);
        assertThat(ResolutionInput.of(TestEvents.track("ws", "u".repeat(512), "a1", AT), 512).identifiers())
                .hasSize(2);
    }

    @Test
    void shouldRejectAMessageWithoutEventOrEventTime() {
        EventAccepted valid = TestEvents.track("ws", "u1", null, AT);
        EventAccepted noEvent = new EventAccepted(valid.id(), "ws", "src", AT, AT, null);
        EventAccepted noTime = new EventAccepted(valid.id(), "ws", "src", null, AT, valid.event());

        assertThatThrownBy(() -> ResolutionInput.of(noEvent, 512)).isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("has no event");
        assertThatThrownBy(() -> ResolutionInput.of(noTime, 512)).isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("has no occurredAt");
    }
}
