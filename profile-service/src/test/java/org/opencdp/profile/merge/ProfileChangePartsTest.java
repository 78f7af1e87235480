package org.opencdp.profile.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

class ProfileChangePartsTest {

    private static final Instant AT = Instant.parse("2026-12-06T00:00:00Z");
    private static final long VERSION = 42;

    @Test
    void shouldLeaveAChangeThatFitsAsItIs() {
        ProfileChanged change = change(Map.of("plan", text("pro")), Map.of("orders", JsonNodeFactory.instance.numberNode(3)));

        assertThat(ProfileChangeParts.split(change)).containsExactly(change);
    }

    @Test
    void shouldSplitABigChangeIntoPartsThatEachFitAndTogetherSayTheSame() {
        Map<String, JsonNode> traits = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            traits.put("trait_" + i, text("x".repeat(30_000) + i));
        }
        Map<String, JsonNode> computed = Map.of("orders", JsonNodeFactory.instance.numberNode(7), "gone",
                NullNode.getInstance());
        ProfileChanged change = change(traits, computed);
        assertThat(MessageCodec.toBytes(change).length).as("over Kafka's 1 MB record").isGreaterThan(1_000_000);

        List<ProfileChanged> parts = ProfileChangeParts.split(change);

        assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
        assertThat(parts).allSatisfy(part -> {
            assertThat(MessageCodec.toBytes(part).length).isLessThanOrEqualTo(ProfileChangeParts.MAX_BYTES);
            assertThat(part.workspaceId()).isEqualTo(change.workspaceId());
            assertThat(part.profileId()).isEqualTo(change.profileId());
            assertThat(part.occurredAt()).isEqualTo(AT);
            assertThat(part.version()).as("issue 15: the parts of a change share its version").isEqualTo(VERSION);
        });
        Map<String, JsonNode> allTraits = new HashMap<>();
        Map<String, JsonNode> allComputed = new HashMap<>();
        parts.forEach(part -> {
            part.traits().forEach((key, value) -> assertThat(allTraits.put(key, value)).as(key + " once").isNull());
            part.computedTraits().forEach((key, value) -> assertThat(allComputed.put(key, value)).isNull());
        });
        assertThat(allTraits).isEqualTo(traits);
        assertThat(allComputed).isEqualTo(computed);
        assertThat(parts.getFirst().id()).isEqualTo(change.id());
        assertThat(parts.stream().map(ProfileChanged::id).distinct()).hasSize(parts.size());
        assertThat(ProfileChangeParts.split(change)).as("the same parts when the merge is done again").isEqualTo(parts);
    }

    @Test
    void shouldPutEveryKeyOfAChangeOfManySmallKeysInExactlyOnePart() {
        Map<String, JsonNode> traits = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            traits.put("k" + i, NullNode.getInstance());
        }
        ProfileChanged change = change(traits, Map.of());

        List<ProfileChanged> parts = ProfileChangeParts.split(change, 20_000);

        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts).allSatisfy(part -> assertThat(MessageCodec.toBytes(part).length).isLessThanOrEqualTo(20_000));
        assertThat(parts.stream().mapToInt(part -> part.traits().size()).sum()).isEqualTo(5_000);
        assertThat(parts).extracting(ProfileChanged::version).containsOnly(VERSION);
    }

    private static ProfileChanged change(Map<String, JsonNode> traits, Map<String, JsonNode> computed) {
        return new ProfileChanged(UUID.randomUUID(), "ws_parts", AT, "p-1", traits, computed, VERSION);
    }

    private static JsonNode text(String value) {
        return JsonNodeFactory.instance.stringNode(value);
    }
}
