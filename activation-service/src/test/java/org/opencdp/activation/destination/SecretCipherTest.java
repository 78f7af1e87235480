package org.opencdp.activation.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final byte[] KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] OTHER_KEY = HexFormat.of().parseHex(
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
    private final SecretCipher cipher = new SecretCipher(KEY);

    @Test
    void shouldDecryptWhatItEncrypted() {
        byte[] plaintext = "{\"secret\":\"s3cr3t\"}".getBytes(StandardCharsets.UTF_8);

        byte[] ciphertext = cipher.encrypt(plaintext, "ws:1");

        assertThat(ciphertext).hasSize(1 + 8 + 12 + plaintext.length + 16);
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

    @Test
    void shouldPrefixEveryCiphertextWithTheVersionAndTheFirstEightBytesOfTheKeysSha256() throws Exception {
        byte[] keyId = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(KEY), 8);

        byte[] ciphertext = cipher.encrypt("secret".getBytes(StandardCharsets.UTF_8), "ws:1");

        assertThat(ciphertext[0]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(ciphertext, 1, 9)).isEqualTo(keyId);
        assertThat(cipher.currentPrefix()).isEqualTo(Arrays.copyOf(ciphertext, 9));
        assertThat(cipher.currentKeyId()).isEqualTo(HexFormat.of().formatHex(keyId));
        assertThat(cipher.isCurrent(ciphertext)).isTrue();
        assertThat(new SecretCipher(OTHER_KEY, List.of(KEY)).isCurrent(ciphertext)).isFalse();
    }

    @Test
    void shouldAuthenticateTheKeyIdSoAnAlteredOneIsRefused() {
        SecretCipher both = new SecretCipher(KEY, List.of(OTHER_KEY));
        byte[] underOther = new SecretCipher(OTHER_KEY).encrypt("secret".getBytes(StandardCharsets.UTF_8), "ws:1");
        byte[] relabelled = underOther.clone();
        System.arraycopy(both.currentPrefix(), 0, relabelled, 0, 9);

        assertThatThrownBy(() -> both.decrypt(relabelled, "ws:1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("altered");
    }

    @Test
    void shouldDecryptWithAPreviousKeyNamedByTheCiphertextAndEncryptOnlyWithTheCurrentOne() {
        byte[] plaintext = "{\"secret\":\"old\"}".getBytes(StandardCharsets.UTF_8);
        byte[] underOld = new SecretCipher(KEY).encrypt(plaintext, "ws:1");
        SecretCipher rotated = new SecretCipher(OTHER_KEY, List.of(KEY));

        assertThat(rotated.decrypt(underOld, "ws:1")).isEqualTo(plaintext);
        assertThat(rotated.isCurrent(underOld)).isFalse();
        byte[] rewritten = rotated.encrypt(plaintext, "ws:1");
        assertThat(rotated.isCurrent(rewritten)).isTrue();
        // once every ciphertext is rewritten, the previous key can go
        assertThat(new SecretCipher(OTHER_KEY).decrypt(rewritten, "ws:1")).isEqualTo(plaintext);
    }

    @Test
    void shouldDecryptTheFormatWithoutKeyIdsWithTheCurrentKeyThenThePreviousOnes() throws Exception {
        byte[] plaintext = "{\"secret\":\"legacy\"}".getBytes(StandardCharsets.UTF_8);
        byte[] legacyUnderKey = legacyCiphertext(KEY, plaintext, "ws:1");

        assertThat(cipher.decrypt(legacyUnderKey, "ws:1")).isEqualTo(plaintext);
        assertThat(cipher.isCurrent(legacyUnderKey)).isFalse();
        assertThat(new SecretCipher(OTHER_KEY, List.of(KEY)).decrypt(legacyUnderKey, "ws:1")).isEqualTo(plaintext);
        assertThatThrownBy(() -> new SecretCipher(OTHER_KEY).decrypt(legacyUnderKey, "ws:1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cdp.activation.encryption-key")
                .hasMessageContaining("cdp.activation.previous-encryption-keys")
                .hasMessageContaining("no longer configured");
        assertThatThrownBy(() -> cipher.decrypt(legacyUnderKey, "ws:2")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldSayWhichKeyIsMissingWhenNoConfiguredKeyWroteTheCiphertext() {
        byte[] underOther = new SecretCipher(OTHER_KEY).encrypt("secret".getBytes(StandardCharsets.UTF_8), "ws:1");
        String otherId = new SecretCipher(OTHER_KEY).currentKeyId();

        assertThatThrownBy(() -> cipher.decrypt(underOther, "ws:1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key " + otherId)
                .hasMessageContaining("CDP_ACTIVATION_PREVIOUS_ENCRYPTION_KEYS");
    }

    @Test
    void shouldResolvePreviousKeysAndAddTheJwtDerivedKeyOnlyWhenADedicatedKeyIsSet() {
        String configured = Base64.getEncoder().encodeToString(KEY);
        String previous = Base64.getEncoder().encodeToString(OTHER_KEY);
        byte[] derived = SecretCipher.deriveKey("jwt");

        assertThat(SecretCipher.resolvePreviousKeys(configured, List.of(previous, " "), "jwt"))
                .containsExactly(OTHER_KEY, derived);
        assertThat(SecretCipher.resolvePreviousKeys(configured, List.of(), null)).isEmpty();
        assertThat(SecretCipher.resolvePreviousKeys("", List.of(previous), "jwt")).containsExactly(OTHER_KEY);
        assertThatThrownBy(() -> SecretCipher.resolvePreviousKeys(configured, List.of("c2hvcnQ="), "jwt"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cdp.activation.previous-encryption-keys").hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> SecretCipher.resolvePreviousKeys(configured, List.of("not base64 !"), "jwt"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not base64");
    }

    @Test
    void shouldIgnoreAPreviousKeyThatIsTheCurrentOne() {
        SecretCipher same = new SecretCipher(KEY, List.of(KEY.clone()));

        assertThat(same.decrypt(same.encrypt(new byte[] {1}, "ws:1"), "ws:1")).containsExactly(1);
    }

    /** A ciphertext as written before key ids (issue 13): version 1, IV, GCM output over the associated data alone. */
    private static byte[] legacyCiphertext(byte[] key, byte[] plaintext, String associatedData) throws Exception {
        byte[] iv = new byte[12];
        iv[0] = 7;
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        gcm.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = gcm.doFinal(plaintext);
        return ByteBuffer.allocate(1 + 12 + sealed.length).put((byte) 1).put(iv).put(sealed).array();
    }
}
