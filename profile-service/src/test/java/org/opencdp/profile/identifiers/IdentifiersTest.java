package org.opencdp.profile.identifiers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.node.ObjectNode;

class IdentifiersTest {

    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void shouldTakeTheIdentifiersIdentityTakesSortedAndNormalised() {
        SegmentEvent identify = event(EventType.identify, " u-1 ", "anon-1",
                "{\"traits\":{\"email\":\"Other@Example.com\"},\"device\":{\"id\":\"d-1\"},"
                        + "\"externalIds\":[{\"id\":\"H-7\",\"type\":\"HubSpot_ID\"},{\"id\":5,\"type\":\"crm\"},"
                        + "{\"id\":\"AB-12\",\"type\":\"ios.idfa\",\"collection\":\"users\"},"
                        + "{\"id\":\"acct-1\",\"type\":\"account_id\",\"collection\":\"accounts\"}]}",
                "{\"email\":\"  Ada@Example.COM \",\"phone\":\"+1 (650) 253-0000\"}");

        assertThat(Identifiers.of(identify)).containsExactly(new Identifier("anonymous_id", "anon-1"),
                new Identifier("crm", "5"), new Identifier("device_id", "d-1"),
                new Identifier("email", "ada@example.com"), new Identifier("email", "other@example.com"),
                new Identifier("hubspot_id", "H-7"), new Identifier("ios.idfa", "AB-12"),
                new Identifier("phone", "+16502530000"), new Identifier("user_id", "u-1"));
    }

    @Test
    void shouldIgnoreTheTraitsOfACallOtherThanIdentifyButNotItsContextTraits() {
        SegmentEvent group = event(EventType.group, "u-1", null, "{\"traits\":{\"email\":\"ada@example.com\"}}",
                "{\"email\":\"billing@acme.example\"}");

        assertThat(Identifiers.of(group)).containsExactly(new Identifier("email", "ada@example.com"),
                new Identifier("user_id", "u-1"));
    }

    @Test
    void shouldNormaliseLookupsLikeStoredIdentifiers() {
        assertThat(Identifiers.normalise("EMAIL", " Ada@Example.com")).contains(new Identifier("email", "ada@example.com"));
        assertThat(Identifiers.normalise("user_id", "U-1")).contains(new Identifier("user_id", "U-1"));
        assertThat(Identifiers.normalise("user id", "x")).isEmpty();
        assertThat(Identifiers.normalise("email", "   ")).isEmpty();
        assertThat(Identifiers.normalise("user_id", "x".repeat(256))).isEmpty();
        assertThat(Identifiers.normalise("user_id", "a\u0000b")).isEmpty();
        assertThat(Identifiers.normalise("iOS.IDFA", " AB-12 ")).contains(new Identifier("ios.idfa", "AB-12"));
        assertThat(Identifiers.normalise("phone", "+1-650-253-0000")).contains(new Identifier("phone", "+16502530000"));
    }

    private static SegmentEvent event(EventType type, String userId, String anonymousId, String context, String traits) {
        return new SegmentEvent(type, "m1", userId, anonymousId, null, null, null, null, null, T, T, T, T,
                (ObjectNode) MessageCodec.mapper().readTree(context), null,
                (ObjectNode) MessageCodec.mapper().readTree(traits), null);
    }
}
