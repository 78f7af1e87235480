package org.opencdp.ingestion.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 14: suppression reads an event's identifiers under the workspace's identifier rules, as
 * identity reads them. In a workspace whose phone region is GB, suppressing {@code +442079460958}
 * refuses an event whose phone is written {@code 020 7946 0958}; in a workspace without a region
 * that national number is no identifier, so it is not refused there.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class SuppressionIdentifierRulesIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SUPPRESSED_PHONE = "+442079460958";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    IdentifierRulesView view;

    @Test
    void shouldRefuseANationalPhoneNumberOfASuppressedPersonInTheWorkspacesRegion() {
        ApiClient api = ApiClient.onPort(port);
        String british = Workspaces.fresh();
        String regionless = Workspaces.fresh();
        TestSource britishSource = TestSource.create(api, infrastructure.token(british, Scopes.SOURCES_WRITE), "Web");
        TestSource regionlessSource = TestSource.create(api, infrastructure.token(regionless, Scopes.SOURCES_WRITE),
                "Web");
        try (TopicWriter writer = infrastructure.writer();
             TopicReader acks = infrastructure.read(Topics.PRIVACY_ACKS);
             TopicReader accepted = infrastructure.read(Topics.EVENTS);
             TopicReader rejected = infrastructure.read(Topics.REJECTED_EVENTS)) {
            writer.send(new IdentifierRulesChanged(UUID.randomUUID(), british, Instant.now(), 1, "GB", List.of(),
                    List.of()));
            await().atMost(WAIT).untilAsserted(() -> assertThat(view.version(british)).isEqualTo(1));
            for (String workspace : List.of(british, regionless)) {
                var command = new PrivacyCommandIssued(UUID.randomUUID(), workspace, Instant.now(), UUID.randomUUID(),
                        PrivacyCommandIssued.Command.ERASE, List.of(), List.of(new Identifier("phone", SUPPRESSED_PHONE)),
                        true);
                writer.send(command);
                assertThat(acks.await(r -> r.key().equals(command.key()), 1, WAIT)).hasSize(1);
            }

            // as identity reads it in GB: the national form, another spelling, and context.traits in a batch
            for (HttpResponse<String> response : List.of(
                    identify(api, britishSource, "m-national", "020 7946 0958"),
                    identify(api, britishSource, "m-spaced", "(020) 7946-0958"),
                    api.track("/v1/batch", britishSource.writeKey(), """
                            {"batch": [
                              {"type": "track", "userId": "u-2", "event": "E", "messageId": "m-context",
                               "context": {"traits": {"phone": "+44 20 7946 0958"}}},
                              {"type": "track", "userId": "u-3", "event": "E", "messageId": "m-other-number",
                               "context": {"traits": {"phone": "020 7946 0959"}}}
                            ]}"""),
                    // no region: a national number is no identifier, an international one is
                    identify(api, regionlessSource, "m-regionless-national", "020 7946 0958"),
                    identify(api, regionlessSource, "m-regionless-international", "+44 20 7946 0958"))) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(ApiClient.json(response).path("success").asBoolean()).isTrue();
            }

            List<ConsumerRecord<String, String>> dropped = rejected.await(
                    r -> britishSource.published(r) || regionlessSource.published(r), 4, WAIT);
            assertThat(dropped).allSatisfy(record -> {
                EventRejected message = MessageCodec.read(record.value(), EventRejected.class);
                assertThat(message.reasons()).extracting(EventRejected.Reason::code).containsExactly("suppressed");
                assertThat(record.value()).doesNotContain("7946");
            });
            assertThat(dropped).extracting(r -> MessageCodec.read(r.value(), EventRejected.class).event()
                    .path("messageId").asString())
                    .containsExactlyInAnyOrder("m-national", "m-spaced", "m-context", "m-regionless-international");
            List<ConsumerRecord<String, String>> kept = accepted.await(
                    r -> britishSource.published(r) || regionlessSource.published(r), 2, WAIT);
            assertThat(kept).extracting(r -> MessageCodec.read(r.value(), EventAccepted.class).event().messageId())
                    .containsExactlyInAnyOrder("m-other-number", "m-regionless-national");
            // and nothing more on either topic
            assertThat(rejected.drain(r -> britishSource.published(r) || regionlessSource.published(r),
                    Duration.ofSeconds(1))).hasSize(4);
            assertThat(accepted.drain(r -> britishSource.published(r) || regionlessSource.published(r),
                    Duration.ofSeconds(1))).hasSize(2);
        }
    }

    private static HttpResponse<String> identify(ApiClient api, TestSource source, String messageId, String phone) {
        return api.track("/v1/identify", source.writeKey(), "{\"userId\": \"u-" + messageId + "\", \"messageId\": \""
                + messageId + "\", \"traits\": {\"phone\": \"" + phone + "\"}}");
    }
}
