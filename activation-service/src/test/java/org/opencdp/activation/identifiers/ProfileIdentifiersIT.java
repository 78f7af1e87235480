package org.opencdp.activation.identifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.identifiers.IdentifierService.ProfileKey;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 13: activation keeps the e-mails and phones of profiles from the resolved events it
 * consumes, in their normal form, and follows merges: the merged-away profile's identifiers become
 * the survivor's, also those an event resolved before the merge brings in after it. Issue 14: they
 * are the identifiers identity resolved the event with ({@link EventResolved#identifiers()}), under
 * the workspace's rules, not the event's fields read again here.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class ProfileIdentifiersIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static TopicWriter upstream;

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    IdentifierService identifiers;

    @Autowired
    JdbcTemplate jdbc;

    private String workspace;

    @BeforeEach
    void freshWorkspace() {
        workspace = Workspaces.fresh();
    }

    @AfterAll
    static void closeWriter() {
        if (upstream != null) {
            upstream.close();
        }
    }

    private static synchronized TopicWriter upstream() {
        if (upstream == null) {
            upstream = CdpTestEnvironment.current().writer();
        }
        return upstream;
    }

    @Test
    void shouldKeepTheEmailsAndPhonesIdentityResolvedTheEventWithRatherThanItsTraits() {
        // issue 14: in a workspace whose phone region is GB and which blocks noreply@example.com, identity
        // resolves these traits to +442079460958 and ann@example.com; the traits themselves say otherwise
        String profile = "p-" + UUID.randomUUID();
        ObjectNode traits = MessageCodec.mapper().createObjectNode().put("email", "noreply@example.com")
                .put("phone", "020 7946 0958");
        ObjectNode context = MessageCodec.mapper().createObjectNode();
        context.putObject("traits").put("email", "Ann@Example.com");
        EventResolved fromTraits = identify(workspace, profile, traits, context);
        EventResolved resolved = new EventResolved(fromTraits.id(), workspace, profile, "src-1",
                fromTraits.occurredAt(), fromTraits.receivedAt(), fromTraits.event(),
                List.of(new Identifier("email", "ann@example.com"), new Identifier("phone", "+442079460958"),
                        new Identifier("user_id", "user-1")));

        upstream().send(resolved);

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ProfileIdentifiers found = identifiers.of(List.of(new ProfileKey(workspace, profile)))
                    .get(new ProfileKey(workspace, profile));
            assertThat(found.emails()).containsExactly("ann@example.com");
            assertThat(found.phones()).containsExactly("+442079460958");
        });
        assertThat(jdbc.queryForList("SELECT type || '=' || value FROM profile_identifiers WHERE workspace_id = ?",
                String.class, workspace)).containsExactlyInAnyOrder("email=ann@example.com", "phone=+442079460958");
    }

    @Test
    void shouldKeepNormalisedEmailsAndPhonesFromIdentifyAndContextTraitsOfMessagesWithoutIdentifiers() {
        // built as a service outside identity builds them, like a message written before EventResolved had
        // identifiers: the contract gives it the event's standard fields under the default rules
        String profile = "p-" + UUID.randomUUID();
        ObjectNode traits = MessageCodec.mapper().createObjectNode().put("email", "  Ann@Example.COM ")
                .put("phone", "+1 (650) 253-0000");
        ObjectNode context = MessageCodec.mapper().createObjectNode();
        context.putObject("traits").put("email", "ann.work@example.com").put("phone", "650 253 0000");
        ObjectNode badContext = MessageCodec.mapper().createObjectNode();
        badContext.putObject("traits").put("email", "not-an-email");
        upstream().sendAll(List.of(identify(workspace, profile, traits, context),
                identify(workspace, profile, traits, null),
                track(workspace, profile, badContext)));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ProfileIdentifiers found = identifiers.of(List.of(new ProfileKey(workspace, profile)))
                    .get(new ProfileKey(workspace, profile));
            // a national number without its country code cannot be normalised and is not kept; nor is a non-address
            assertThat(found.emails()).containsExactlyInAnyOrder("ann@example.com", "ann.work@example.com");
            assertThat(found.phones()).containsExactly("+16502530000");
        });
        assertThat(jdbc.queryForObject("SELECT count(*) FROM profile_identifiers WHERE workspace_id = ?", Integer.class,
                workspace)).isEqualTo(3);
    }

    @Test
    void shouldGiveTheSurvivorTheMergedProfilesIdentifiersAlongAChainOfMerges() {
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        String c = "c-" + UUID.randomUUID();
        upstream().sendAll(List.of(identifyEmail(workspace, a, "a@example.com"),
                identifyEmail(workspace, b, "b@example.com"), identifyEmail(workspace, c, "c@example.com")));
        await().atMost(TIMEOUT).until(() -> emails(c).size() == 1 && emails(a).size() == 1 && emails(b).size() == 1);

        upstream().send(merge(workspace, b, List.of(a)));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(emails(b)).containsExactlyInAnyOrder("a@example.com", "b@example.com");
            assertThat(emails(a)).isEmpty();
        });

        // an event resolved for a before the merge, consumed after it: read as b's
        upstream().send(identifyEmail(workspace, a, "a.late@example.com"));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(emails(b))
                .containsExactlyInAnyOrder("a@example.com", "a.late@example.com", "b@example.com"));

        // b merged into c, and the first merge delivered again: everything lands on c
        upstream().sendAll(List.of(merge(workspace, c, List.of(b)), merge(workspace, b, List.of(a))));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(emails(c)).containsExactlyInAnyOrder("a@example.com", "a.late@example.com", "b@example.com",
                    "c@example.com");
            assertThat(emails(b)).isEmpty();
        });
        assertThat(jdbc.queryForList("SELECT merged_id || '>' || survivor_id FROM profile_redirects "
                + "WHERE workspace_id = ? ORDER BY 1", String.class, workspace))
                .containsExactlyInAnyOrder(a + ">" + c, b + ">" + c);
    }

    @Test
    void shouldKeepOtherWorkspacesApart() {
        String other = Workspaces.fresh();
        String profile = "p-" + UUID.randomUUID();
        upstream().sendAll(List.of(identifyEmail(workspace, profile, "mine@example.com"),
                identifyEmail(other, profile, "theirs@example.com")));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Map<ProfileKey, ProfileIdentifiers> found = identifiers.of(List.of(new ProfileKey(workspace, profile),
                    new ProfileKey(other, profile)));
            assertThat(found.get(new ProfileKey(workspace, profile)).emails()).containsExactly("mine@example.com");
            assertThat(found.get(new ProfileKey(other, profile)).emails()).containsExactly("theirs@example.com");
        });
    }

    @Test
    void shouldDeadLetterAMergeThatNamesNoMergedProfile() {
        ProfilesMerged invalid = new ProfilesMerged(UUID.randomUUID(), workspace, Instant.now(), "s-1", List.of(),
                List.of(), UUID.randomUUID(), "email");
        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("activation"))) {
            upstream().send(invalid);
            assertThat(deadLetters.await(r -> r.value().contains(invalid.id().toString()), 1, TIMEOUT)).hasSize(1);
        }
    }

    private List<String> emails(String profile) {
        return identifiers.of(List.of(new ProfileKey(workspace, profile))).get(new ProfileKey(workspace, profile))
                .emails();
    }

    static EventResolved identifyEmail(String workspace, String profile, String email) {
        return identify(workspace, profile, MessageCodec.mapper().createObjectNode().put("email", email), null);
    }

    static EventResolved identify(String workspace, String profile, ObjectNode traits, ObjectNode context) {
        Instant now = Instant.now();
        SegmentEvent event = new SegmentEvent(SegmentEvent.EventType.identify, UUID.randomUUID().toString(), "user-1",
                null, null, null, null, null, null, now, now, now, now, context, null, traits, null);
        return new EventResolved(UUID.randomUUID(), workspace, profile, "src-1", now, now, event);
    }

    static EventResolved track(String workspace, String profile, ObjectNode context) {
        Instant now = Instant.now();
        SegmentEvent event = new SegmentEvent(SegmentEvent.EventType.track, UUID.randomUUID().toString(), "user-1",
                null, "Viewed", null, null, null, null, now, now, now, now, context, null, null, null);
        return new EventResolved(UUID.randomUUID(), workspace, profile, "src-1", now, now, event);
    }

    static ProfilesMerged merge(String workspace, String survivor, List<String> merged) {
        return new ProfilesMerged(UUID.randomUUID(), workspace, Instant.now(), survivor, merged, List.of(),
                UUID.randomUUID(), "email");
    }
}
