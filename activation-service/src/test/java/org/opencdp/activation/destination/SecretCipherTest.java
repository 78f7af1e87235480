package org.opencdp.activation.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final byte[] KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private final SecretCipher cipher = new SecretCipher(KEY);

    @Test
    void shouldDecryptWhatItEncrypted() {
        byte[] plaintext = "{\"secret\":\"s3cr3t\"}".getBytes(StandardCharsets.UTF_8);

        byte[] ciphertext = cipher.encrypt(plaintext, "ws:1");

        assertThat(ciphertext).hasSize(1 + 12 + plaintext.length + 16);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
        assertThat(cipher.decrypt(ciphertext, "ws:1")).isEqualTo(plaintext);
    }

    @Test
    void shouldUseAFreshIvForEveryEncryption() {
        byte[] plaintext = "same".getBytes(StandardCharsets.UTF_8);

        assertThat(cipher.encrypt(plaintext, "ws:1")).isNotEqualTo(cipher.encrypt(plaintext, "ws:1"));
    }

    @Test
    void shouldRefuseTamperedDataAnotherRowsIdentityOrAnotherKey() {
        byte[] ciphertext = cipher.encrypt("secret".getBytes(StandardCharsets.UTF_8), "ws:1");
        byte[] tampered = ciphertext.clone();
        tampered[tampered.length - 1] ^= 1;
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;

        assertThatThrownBy(() -> cipher.decrypt(tampered, "ws:1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(ciphertext, "ws:2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(otherKey).decrypt(ciphertext, "ws:1"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(new byte[5], "ws:1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldTakeTheConfiguredKeyAndRefuseOneOfTheWrongSize() {
        String configured = Base64.getEncoder().encodeToString(KEY);

        assertThat(SecretCipher.resolveKey(configured, null)).isEqualTo(KEY);
        assertThatThrownBy(() -> SecretCipher.resolveKey(Base64.getEncoder().encodeToString(new byte[16]), "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> SecretCipher.resolveKey("not base64 !", "x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SecretCipher.resolveKey(" ", " ")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldDeriveTheKeyFromTheJwtSecretWhenNoneIsConfigured() {
        // printf '%s' 'opencdp-activation:jwt-secret-for-tests-0123456789abcdef' | openssl dgst -sha256
        byte[] expected = HexFormat.of().parseHex("534586f948d2ace07922edb6600da9a2a8d57ed165cb4882dace970ccf396724");

        assertThat(SecretCipher.resolveKey("", "jwt-secret-for-tests-0123456789abcdef")).isEqualTo(expected);
    }
}
