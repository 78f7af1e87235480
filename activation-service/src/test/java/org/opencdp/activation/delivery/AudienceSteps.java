package org.opencdp.activation.delivery;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the audience connector ITs do to one profile: make it known, let it enter and leave a segment, and wait. */
final class AudienceSteps {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Peers peers;
    private final DestinationsApi api;
    private final IdentifierService identifiers;
    final String workspace;
    final String segment = "seg-" + UUID.randomUUID();
    private long version;

    AudienceSteps(Peers peers, DestinationsApi api, IdentifierService identifiers, String workspace) {
        this.peers = peers;
        this.api = api;
        this.identifiers = identifiers;
        this.workspace = workspace;
    }

    /** A new profile, allowed by consent, whose identify call carried {@code email} and {@code phone} (either may be null). */
    String knownProfile(String email, String phone) {
        String profile = newProfile();
        identify(profile, email, phone);
        return profile;
    }

    /** A new profile allowed by consent that no event identified yet. */
    String newProfile() {
        String profile = "p-" + UUID.randomUUID();
        peers.consent.decides(profile, "allow", "dec-" + profile);
        return profile;
    }

    void identify(String profile, String email, String phone) {
        ObjectNode traits = MessageCodec.mapper().createObjectNode();
        if (email != null) {
            traits.put("email", email);
        }
        if (phone != null) {
            traits.put("phone", phone);
        }
        Instant now = Instant.now();
        SegmentEvent event = new SegmentEvent(SegmentEvent.EventType.identify, UUID.randomUUID().toString(), "user-1",
                null, null, null, null, null, null, now, now, now, now, null, null, traits, null);
        peers.upstream().send(new EventResolved(UUID.randomUUID(), workspace, profile, "src-1", now, now, event));
    }

    /**
     * A new profile, allowed by consent, identified by an event whose traits say {@code email} and
     * {@code phone} and which identity resolved with {@code resolved} (as its workspace's rules read them).
     */
    String knownProfile(String email, String phone, List<Identifier> resolved) {
        String profile = newProfile();
        ObjectNode traits = MessageCodec.mapper().createObjectNode().put("email", email).put("phone", phone);
        Instant now = Instant.now();
        SegmentEvent event = new SegmentEvent(SegmentEvent.EventType.identify, UUID.randomUUID().toString(), "user-1",
                null, null, null, null, null, null, now, now, now, now, null, null, traits, null);
        peers.upstream().send(new EventResolved(UUID.randomUUID(), workspace, profile, "src-1", now, now, event, resolved));
        return profile;
    }

    /** Waits until activation knows {@code identifierCount} e-mails and phones of {@code profile}. */
    void awaitKnown(String profile, int identifierCount) {
        IdentifierService.ProfileKey key = new IdentifierService.ProfileKey(workspace, profile);
        await().atMost(TIMEOUT).until(() -> identifiers.of(List.of(key)).get(key),
                known -> known.emails().size() + known.phones().size() >= identifierCount);
    }

    void enters(String profile) {
        peers.upstream().send(TestMessages.membership(workspace, profile, segment,
                MembershipChanged.Transition.entered, ++version));
    }

    void exits(String profile) {
        peers.upstream().send(TestMessages.membership(workspace, profile, segment,
                MembershipChanged.Transition.exited, ++version));
    }

    /** Waits for the destination's log to hold {@code count} deliveries of {@code profile} matching {@code filter}. */
    List<JsonNode> awaitDeliveries(String destinationId, String profile, int count, Predicate<JsonNode> filter) {
        return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> api.deliveries(destinationId)
                .stream().filter(d -> d.path("profileId").asString().equals(profile)).filter(filter).toList(),
                found -> found.size() >= count);
    }

    JsonNode awaitStatus(String destinationId, String profile, String status) {
        return awaitDeliveries(destinationId, profile, 1, d -> d.path("status").asString().equals(status)).getFirst();
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
