package org.opencdp.activation.connector;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature: {@code v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. A receiver
 * recomputes it over the raw body and the {@code X-CDP-Timestamp} header, compares in constant time
 * and rejects old timestamps, which defeats tampering and replays.
 */
final class WebhookSigner {

    static final String SCHEME = "v1";

    static String signature(String secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            mac.update(body);
            return SCHEME + "=" + HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private WebhookSigner() {
    }
}
