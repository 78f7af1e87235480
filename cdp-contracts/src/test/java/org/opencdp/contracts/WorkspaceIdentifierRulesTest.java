package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WorkspaceIdentifierRulesTest {

    private static final Instant AT = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void shouldReadNationalPhoneNumbersInTheWorkspaceRegionOnly() {
        var british = new WorkspaceIdentifierRules("GB", List.of(), List.of());

        assertThat(british.identifier("phone", " 020 7946 0958 ", 255)).contains(new Identifier("phone", "+442079460958"));
        assertThat(WorkspaceIdentifierRules.DEFAULT.identifier("phone", "020 7946 0958", 255)).isEmpty();
        assertThat(WorkspaceIdentifierRules.DEFAULT.identifier("phone", "+44 20 7946 0958", 255))
                .contains(new Identifier("phone", "+442079460958"));
    }

    @Test
    void shouldLeaveOutDefaultAndWorkspaceBlockedValues() {
        var rules = new WorkspaceIdentifierRules(null, List.of("Test-User"), List.of("^guest-"));

        assertThat(rules.identifier("user_id", "undefined", 255)).isEmpty();
        assertThat(rules.identifier("advertising_id", "00000000-0000-0000-0000-000000000000", 255)).isEmpty();
        assertThat(rules.identifier("user_id", " test-user ", 255)).isEmpty();
        assertThat(rules.identifier("user_id", "guest-17", 255)).isEmpty();
        assertThat(rules.identifier("user_id", "u-17", 255)).contains(new Identifier("user_id", "u-17"));
        assertThat(WorkspaceIdentifierRules.DEFAULT.identifier("user_id", "test-user", 255)).isPresent();
    }

    @Test
    void shouldNormaliseTypeNamesAndRefuseValuesPostgresCannotStore() {
        var rules = WorkspaceIdentifierRules.DEFAULT;

        assertThat(rules.identifier(" IOS.IDFA ", "ABC", 255)).contains(new Identifier("ios.idfa", "ABC"));
        assertThat(rules.identifier("Email", " Ada@Example.COM ", 255)).contains(new Identifier("email", "ada@example.com"));
        assertThat(rules.identifier("user_id", "a\u0000b", 255)).isEmpty();
        assertThat(rules.identifier("user_id", "x".repeat(256), 255)).isEmpty();
        assertThat(rules.identifier("no spaces", "x", 255)).isEmpty();
    }

    @Test
    void shouldCountAPatternThatBacktracksTooLongAsAMatchInsteadOfStalling() {
        var rules = new WorkspaceIdentifierRules(null, List.of(), List.of("(x+x+)+y"));

        assertThat(rules.isBlocked("x".repeat(200))).isTrue();
        assertThat(rules.isBlocked("bbb")).isFalse();
    }

    @Test
    void shouldGiveAResolvedEventWithoutIdentifiersTheEventsOwnUnderTheDefaultRules() {
        var event = MessageCodec.mapper().readValue("""
                {"type":"identify","messageId":"m-1","userId":" u-1 ","anonymousId":"null",
                 "traits":{"email":"Ada@Example.com","phone":"020 7946 0958"}}
                """, SegmentEvent.class);
        var written = new EventResolved(UUID.randomUUID(), "ws_1", "p_1", "src_1", AT, AT, event);

        assertThat(written.identifiers()).containsExactly(new Identifier("email", "ada@example.com"),
                new Identifier("user_id", "u-1"));
        EventResolved read = MessageCodec.read(MessageCodec.toBytes(written), EventResolved.class);
        assertThat(read).isEqualTo(written);

        var fromIdentity = new EventResolved(UUID.randomUUID(), "ws_1", "p_1", "src_1", AT, AT, event,
                List.of(new Identifier("phone", "+442079460958"), new Identifier("user_id", "u-1")));
        assertThat(MessageCodec.read(MessageCodec.toBytes(fromIdentity), EventResolved.class).identifiers())
                .containsExactly(new Identifier("phone", "+442079460958"), new Identifier("user_id", "u-1"));
    }

    @Test
    void shouldCarryTheRulesInTheirMessage() {
        var changed = new IdentifierRulesChanged(UUID.randomUUID(), "ws_1", AT, 3, "GB", List.of("test"), List.of("^x"));

        IdentifierRulesChanged read = MessageCodec.read(MessageCodec.toBytes(changed), IdentifierRulesChanged.class);

        assertThat(read).isEqualTo(changed);
        assertThat(read.key()).isEqualTo("ws_1");
        assertThat(read.rules().identifier("phone", "020 7946 0958", 255)).contains(new Identifier("phone", "+442079460958"));
        assertThat(MessageTypes.typeOf(IdentifierRulesChanged.class)).isEqualTo("cdp.identity.identifier-rules-changed");
    }
}
