package org.opencdp.activation.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void shouldSignTimestampDotBodyWithHmacSha256AsHex() {
        // computed independently:
        // printf '%s' '1700000000.{"deliveryId":"d1","kind":"event"}' | openssl dgst -sha256 -hmac 'whsec_test'
        byte[] body = "{\"deliveryId\":\"d1\",\"kind\":\"event\"}".getBytes(StandardCharsets.UTF_8);

        String signature = WebhookSigner.signature("whsec_test", 1_700_000_000L, body);

        assertThat(signature).isEqualTo("v1=3ff248d7e568cf14c205cdb9f4246e066d306c81e014afa3ea03818f968488d1");
    }

    @Test
    void shouldChangeTheSignatureWhenTheTimestampTheBodyOrTheSecretChanges() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String reference = WebhookSigner.signature("secret", 1L, body);

        assertThat(WebhookSigner.signature("secret", 2L, body)).isNotEqualTo(reference);
        assertThat(WebhookSigner.signature("secret", 1L, "{ }".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(reference);
        assertThat(WebhookSigner.signature("other", 1L, body)).isNotEqualTo(reference);
    }
}
