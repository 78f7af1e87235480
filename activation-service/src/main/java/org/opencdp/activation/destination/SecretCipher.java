package org.opencdp.activation.destination;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.KitProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Encrypts destination credentials at rest with AES-256-GCM. A ciphertext is a version byte, a
 * random 12-byte IV and the GCM output (with its 128-bit tag); the caller's associated data (the
 * row's identity) is authenticated, so a ciphertext only decrypts for the row it was written for.
 */
@Component
class SecretCipher {

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);
    private static final byte VERSION = 1;
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final String DERIVATION_PREFIX = "opencdp-activation:";

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    SecretCipher(ActivationProperties properties, KitProperties kit) {
        this(resolveKey(properties.encryptionKey(), kit.security().jwtSecret()));
    }

    SecretCipher(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("An AES-256 key has 32 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The configured key ({@code cdp.activation.encryption-key}, base64 of 32 bytes), or else one
     * derived from the JWT secret: SHA-256 of {@code "opencdp-activation:" + jwtSecret}.
     */
    static byte[] resolveKey(String encryptionKey, String jwtSecret) {
        if (encryptionKey != null && !encryptionKey.isBlank()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(encryptionKey.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cdp.activation.encryption-key (CDP_ACTIVATION_ENCRYPTION_KEY) is not base64");
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException("cdp.activation.encryption-key (CDP_ACTIVATION_ENCRYPTION_KEY) must be "
                        + "base64 of 32 bytes, not " + key.length);
            }
            return key;
        }
        if (jwtSecret == null || jwtSecret.isBlank()) {
            throw new IllegalStateException("Set cdp.activation.encryption-key (CDP_ACTIVATION_ENCRYPTION_KEY, base64 of "
                    + "32 bytes) to encrypt destination credentials");
        }
        log.warn("cdp.activation.encryption-key is not set: destination credentials are encrypted with a key derived "
                + "from the JWT secret. Set a dedicated key (CDP_ACTIVATION_ENCRYPTION_KEY, base64 of 32 random bytes).");
        return deriveKey(jwtSecret);
    }

    static byte[] deriveKey(String jwtSecret) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest((DERIVATION_PREFIX + jwtSecret).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    byte[] encrypt(byte[] plaintext, String associatedData) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + IV_BYTES + sealed.length).put(VERSION).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not encrypt a destination secret", e);
        }
    }

    /** Decrypts; throws {@link IllegalStateException} when the data was altered or another key wrote it. */
    byte[] decrypt(byte[] ciphertext, String associatedData) {
        if (ciphertext.length < 1 + IV_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
            throw new IllegalStateException("Not a destination secret ciphertext (unknown format)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 1, IV_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(ciphertext, 1 + IV_BYTES, ciphertext.length - 1 - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A destination secret cannot be decrypted: it was altered, or the "
                    + "encryption key changed since it was stored", e);
        }
    }
}
