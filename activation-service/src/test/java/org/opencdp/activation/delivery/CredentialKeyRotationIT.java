package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.Workspaces;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13, key rotation: destinations saved under key A still deliver, signed with their stored
 * secret, once the service restarts with key B current and A previous; their stored credentials are
 * re-encrypted under B in the background; and a restart with B alone still reads them, so A can be
 * dropped. Real Kafka and PostgreSQL, three application contexts one after the other.
 */
@ExtendWith(CdpTestEnvironment.class)
class CredentialKeyRotationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String KEY_A = Base64.getEncoder().encodeToString(bytes(0x11));
    private static final String KEY_B = Base64.getEncoder().encodeToString(bytes(0x22));
    private static final Peers peers = new Peers();

    private final String workspace = Workspaces.fresh();
    private final String profileId = "p-" + UUID.randomUUID();
    private final String hook = Peers.newHook();
    private final String secret = "whsec_" + UUID.randomUUID();

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @Test
    void shouldKeepDeliveringAcrossARotationAndReEncryptEveryCredentialUnderTheNewKey() throws Exception {
        peers.accepts(hook);
        peers.consent.decides(profileId, "allow", "dec-rotation");
        List<String> destinationIds;
        try (ConfigurableApplicationContext underA = start(KEY_A, "")) {
            DestinationsApi api = api(underA);
            destinationIds = List.of(
                    api.createWebhook(peers.url(hook), secret, "[\"Key Rotated\"]", "[]", true),
                    api.createWebhook(peers.url(hook), secret, "[]", "[]", false));
            assertThat(keyIds(underA, destinationIds)).containsOnly(keyId(KEY_A));
        }

        try (ConfigurableApplicationContext rotated = start(KEY_B, KEY_A)) {
            // the background pass re-encrypts both, the disabled destination as well
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(keyIds(rotated, destinationIds)).containsOnly(keyId(KEY_B)));
            assertDelivers(api(rotated), destinationIds.getFirst(), 1);
        }

        try (ConfigurableApplicationContext onlyB = start(KEY_B, "")) {
            assertDelivers(api(onlyB), destinationIds.getFirst(), 2);
            assertThat(api(onlyB).get(destinationIds.getLast()).path("name").asString()).isEqualTo("Hook");
        }
    }

    /** A track event reaches the webhook, the {@code count}th request, signed with the secret stored under key A. */
    private void assertDelivers(DestinationsApi api, String destinationId, int count) throws Exception {
        peers.upstream().send(TestMessages.track(workspace, profileId, "Key Rotated"));
        await().atMost(TIMEOUT).until(() -> api.deliveries(destinationId).stream()
                .filter(d -> d.path("status").asString().equals("delivered")).count() == count);
        List<LoggedRequest> sent = peers.requests(hook);
        assertThat(sent).hasSize(count);
        LoggedRequest request = sent.getLast();
        String signed = request.getHeader("X-CDP-Timestamp") + "." + request.getBodyAsString();
        assertThat(request.getHeader("X-CDP-Signature")).isEqualTo("v1=" + hmacSha256Hex(secret, signed));
        JsonNode newest = api.deliveries(destinationId).getFirst();
        assertThat(newest.path("status").asString()).isEqualTo("delivered");
    }

    private ConfigurableApplicationContext start(String currentKey, String previousKeys) {
        Map<String, Object> settings = new LinkedHashMap<>(CdpTestEnvironment.current().springProperties());
        settings.putAll(peers.settings());
        settings.put("cdp.activation.encryption-key", currentKey);
        settings.put("cdp.activation.previous-encryption-keys", previousKeys);
        settings.put("server.port", 0);
        return ActivationServiceApplication.application().run(settings.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private DestinationsApi api(ConfigurableApplicationContext context) {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        return new DestinationsApi(port, CdpTestEnvironment.current().token(workspace, Scopes.DESTINATIONS_WRITE));
    }

    /** The key id each destination's stored credentials name (bytes 1 to 8 of the ciphertext), in hex. */
    private static List<String> keyIds(ConfigurableApplicationContext context, List<String> destinationIds) {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        return destinationIds.stream().map(id -> jdbc.queryForObject(
                "SELECT secret_ciphertext FROM destinations WHERE id = ?::uuid", byte[].class, id))
                .map(ciphertext -> ciphertext[0] == 2 ? HexFormat.of().formatHex(ciphertext, 1, 9) : "none")
                .toList();
    }

    private static String keyId(String base64Key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64Key));
        return HexFormat.of().formatHex(Arrays.copyOf(digest, 8));
    }

    private static byte[] bytes(int value) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) value);
        return key;
    }

    private static String hmacSha256Hex(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
