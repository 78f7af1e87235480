package org.opencdp.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.e2e.platform.TestWorkspace.encode;
import static org.opencdp.e2e.platform.TestWorkspace.patiently;
import static org.opencdp.local.PlatformService.CONSENT;
import static org.opencdp.local.PlatformService.IDENTITY;
import static org.opencdp.local.PlatformService.INGESTION;
import static org.opencdp.local.PlatformService.PROFILE;
import static org.opencdp.testsupport.ApiClient.body;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.e2e.platform.SharedPlatform;
import org.opencdp.e2e.platform.TestWorkspace;

/**
 * Issue 16: personal data stays out of the logs. A person's e-mail, phone number and IP address go
 * through every path a client can take — accepted events, refused events, consent by identifier,
 * lookups that find and that miss, a privacy request — and then every line the six services logged
 * in this JVM so far (those of the other e2e tests included) is searched for them, raw and
 * normalised.
 */
@ExtendWith(SharedPlatform.class)
class PersonalDataInLogsIT {

    @Test
    void shouldNotLogAPersonsEmailPhoneOrIpOnAnyPath() {
        TestWorkspace workspace = TestWorkspace.create();
        String email = "Pii.Logs-" + UUID.randomUUID() + "@Example.com";
        String digits = String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        String phone = "+44 20 7946 0" + digits;
        String ip = "203.0.113." + (1 + ThreadLocalRandom.current().nextInt(254));
        String userId = "pii-user-" + UUID.randomUUID();

        // accepted: an identify with the person's e-mail, phone and IP, and a track carrying them in properties
        body(workspace.api(INGESTION).track("/v1/identify", workspace.writeKey, Map.of(
                "userId", userId, "messageId", UUID.randomUUID().toString(),
                "traits", Map.of("email", email, "phone", phone, "plan", "pro"),
                "context", Map.of("ip", ip))), 200);
        body(workspace.api(INGESTION).track("/v1/track", workspace.writeKey, Map.of(
                "userId", userId, "messageId", UUID.randomUUID().toString(), "event", "Order Completed",
                "properties", Map.of("email", email, "phone", phone, "ip", ip),
                "context", Map.of("ip", ip))), 200);
        // refused: events that break the spec, the person's data in them
        assertThat(workspace.api(INGESTION).track("/v1/identify", workspace.writeKey, Map.of(
                "userId", Map.of("email", email), "traits", Map.of("phone", phone), "context", Map.of("ip", ip)))
                .statusCode()).isEqualTo(400);
        assertThat(workspace.api(INGESTION).track("/v1/track", workspace.writeKey, Map.of(
                "userId", userId, "event", email, "timestamp", "not a time " + phone)).statusCode()).isEqualTo(400);
        String profileId = workspace.awaitProfileOf("user_id", userId);

        // consent by identifier, lookups that find and miss, an identity lookup with the e-mail in the path
        body(workspace.api(CONSENT).put("/v1/consent", workspace.token, Map.of(
                "identifier", Map.of("type", "email", "value", email),
                "purposes", Map.of("marketing", "granted"),
                "source", "e2e", "legalBasis", "consent", "jurisdiction", "EU")), 200);
        patiently().until(() -> workspace.api(PROFILE).get("/v1/profiles/lookup?type=email&value=" + encode(email),
                workspace.token).statusCode() == 200);
        assertThat(workspace.api(PROFILE).get("/v1/profiles/lookup?type=email&value=" + encode("x" + email),
                workspace.token).statusCode()).isEqualTo(404);
        assertThat(workspace.api(PROFILE).get("/v1/profiles/lookup?type=phone&value=" + encode("0" + phone),
                workspace.token).statusCode()).isBetween(400, 404);
        body(workspace.api(IDENTITY).get("/v1/identities/email/" + encode(email), workspace.token), 200);
        // a privacy request by e-mail, carried out by every service
        requestAccess(workspace, email);
        patiently().untilAsserted(() -> assertThat(body(workspace.api(PROFILE).get("/v1/profiles/" + profileId,
                workspace.token), 200).path("traits").path("plan").asString()).isEqualTo("pro"));

        String normalisedPhone = "+442079460" + digits;
        List<String> needles = List.of(email, email.toLowerCase(), phone, normalisedPhone, normalisedPhone.substring(1),
                encode(email), ip);
        assertThat(SharedPlatform.logs().size()).as("lines captured").isPositive();
        assertThat(SharedPlatform.logs().linesContaining(needles))
                .as("log lines with the person's e-mail, phone or IP (%s)", needles).isEmpty();
    }

    /** An access request by e-mail, awaited until every service has answered it. */
    private static void requestAccess(TestWorkspace workspace, String email) {
        String id = workspace.privacyRequest("ACCESS", Map.of("identifier", Map.of("type", "email", "value", email)))
                .path("id").asString();
        patiently().until(() -> List.of("completed", "failed").contains(
                body(workspace.api(CONSENT).get("/v1/privacy/requests/" + id, workspace.token), 200)
                        .path("status").asString()));
    }
}
