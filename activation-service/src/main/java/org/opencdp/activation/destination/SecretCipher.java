package org.opencdp.activation.destination;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Encrypts destination credentials at rest with AES-256-GCM, under the current key, and decrypts
 * under the current key or a previous one, so the key can be rotated (docs/destinations.md, "Key
 * rotation"). A ciphertext is a version byte ({@code 2}), the writing key's id (the first 8 bytes of
 * SHA-256 of the key), a random 12-byte IV and the GCM output with its 128-bit tag. The key id lets
 * decryption pick its key without trial; the version byte and key id are authenticated with the
 * caller's associated data (the row's identity), so a ciphertext only decrypts for the row it was
 * written for. Ciphertexts written before key ids ({@code 1}, IV, GCM output) are tried with the
 * current key, then each previous one.
 */
@Component
class SecretCipher {

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);
    static final byte LEGACY_VERSION = 1;
    static final byte VERSION = 2;
    static final int KEY_ID_BYTES = 8;
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;
    static final String DERIVATION_PREFIX = "opencdp-activation:";
    private static final String CURRENT_SETTING = "cdp.activation.encryption-key (CDP_ACTIVATION_ENCRYPTION_KEY)";
    private static final String PREVIOUS_SETTING =
            "cdp.activation.previous-encryption-keys (CDP_ACTIVATION_PREVIOUS_ENCRYPTION_KEYS)";

    private final Key current;
    /** Every key that may decrypt, by hex key id: the current one first, then the previous ones in order. */
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    @Autowired
    SecretCipher(ActivationProperties properties, KitProperties kit) {
        this(resolveKey(properties.encryptionKey(), kit.security().jwtSecret()),
                resolvePreviousKeys(properties.encryptionKey(), properties.previousEncryptionKeys(),
                        kit.security().jwtSecret()));
        if (keys.size() > 1) {
            log.info("Destination credentials are encrypted with key {}; keys {} only decrypt, until every stored "
                    + "credential is re-encrypted", current.hexId(), keys.keySet().stream().skip(1).toList());
        }
    }

    SecretCipher(byte[] key) {
        this(key, List.of());
    }

    SecretCipher(byte[] currentKey, List<byte[]> previousKeys) {
        this.current = Key.of(currentKey);
        keys.put(current.hexId(), current);
        for (byte[] previous : previousKeys) {
            Key key = Key.of(previous);
            Key known = keys.putIfAbsent(key.hexId(), key);
            if (known != null && !Arrays.equals(known.spec().getEncoded(), previous)) {
                throw new IllegalStateException("Two encryption keys share the key id " + key.hexId());
            }
        }
    }

    /**
     * The configured key ({@code cdp.activation.encryption-key}, base64 of 32 bytes), or else one
     * derived from the JWT secret: SHA-256 of {@code "opencdp-activation:" + jwtSecret}.
     */
    static byte[] resolveKey(String encryptionKey, String jwtSecret) {
        if (encryptionKey != null && !encryptionKey.isBlank()) {
            return decodeKey(encryptionKey, CURRENT_SETTING);
        }
        if (jwtSecret == null || jwtSecret.isBlank()) {
            throw new IllegalStateException("Set " + CURRENT_SETTING + ", base64 of 32 bytes, to encrypt destination "
                    + "credentials");
        }
        log.warn("cdp.activation.encryption-key is not set: destination credentials are encrypted with a key derived "
                + "from the JWT secret. Set a dedicated key (CDP_ACTIVATION_ENCRYPTION_KEY, base64 of 32 random bytes).");
        return deriveKey(jwtSecret);
    }

    /**
     * The keys that only decrypt: the configured previous ones and, when a dedicated key is set and
     * a JWT secret too, the key derived from that secret, so credentials stored before the dedicated
     * key was set stay readable until they are re-encrypted, without anyone computing that key.
     */
    static List<byte[]> resolvePreviousKeys(String encryptionKey, List<String> previousKeys, String jwtSecret) {
        List<byte[]> resolved = new ArrayList<>();
        for (String previous : previousKeys == null ? List.<String>of() : previousKeys) {
            if (previous != null && !previous.isBlank()) {
                resolved.add(decodeKey(previous, PREVIOUS_SETTING));
            }
        }
        boolean dedicated = encryptionKey != null && !encryptionKey.isBlank();
        if (dedicated && jwtSecret != null && !jwtSecret.isBlank()) {
            resolved.add(deriveKey(jwtSecret));
        }
        return resolved;
    }

    private static byte[] decodeKey(String base64, String setting) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException(setting + " must be base64 of 32 bytes, not " + key.length);
        }
        return key;
    }

    static byte[] deriveKey(String jwtSecret) {
        return sha256((DERIVATION_PREFIX + jwtSecret).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The first bytes of every ciphertext this cipher writes now: a stored ciphertext that does not
     * start with them was written under another key, or before key ids, and is due for re-encryption.
     */
    byte[] currentPrefix() {
        return current.header();
    }

    /** Whether {@code ciphertext} was written under the current key, in the current format. */
    boolean isCurrent(byte[] ciphertext) {
        byte[] header = current.header();
        return ciphertext.length >= header.length
                && Arrays.equals(ciphertext, 0, header.length, header, 0, header.length);
    }

    /** The hex id of the key new ciphertexts are written with, as logged and documented. */
    String currentKeyId() {
        return current.hexId();
    }

    byte[] encrypt(byte[] plaintext, String associatedData) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] header = current.header();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.spec(), new GCMParameterSpec(TAG_BYTES * 8, iv));
            cipher.updateAAD(header);
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(header.length + IV_BYTES + sealed.length).put(header).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not encrypt a destination secret", e);
        }
    }

    /**
     * Decrypts with the key the ciphertext names, or, for one written before key ids, with the
     * current key and then each previous one. Throws {@link IllegalStateException} saying which:
     * the data was altered, or no configured key wrote it.
     */
    byte[] decrypt(byte[] ciphertext, String associatedData) {
        if (ciphertext.length >= 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES && ciphertext[0] == VERSION) {
            String keyId = HexFormat.of().formatHex(ciphertext, 1, 1 + KEY_ID_BYTES);
            Key key = keys.get(keyId);
            if (key == null) {
                throw new IllegalStateException("A destination secret was encrypted with key " + keyId + ", which is "
                        + "neither " + CURRENT_SETTING + " nor one of " + PREVIOUS_SETTING);
            }
            try {
                return open(key.spec(), ciphertext, 1 + KEY_ID_BYTES, associatedData);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("A destination secret cannot be decrypted with its key " + keyId
                        + ": it was altered", e);
            }
        }
        if (ciphertext.length >= 1 + IV_BYTES + TAG_BYTES && ciphertext[0] == LEGACY_VERSION) {
            for (Key key : keys.values()) {
                try {
                    return open(key.spec(), ciphertext, 1, associatedData);
                } catch (GeneralSecurityException e) {
                    // not this key: try the next one
                }
            }
            throw new IllegalStateException("A destination secret cannot be decrypted with " + CURRENT_SETTING
                    + " nor any of " + PREVIOUS_SETTING + ": it was altered, or the key that wrote it is no longer "
                    + "configured");
        }
        throw new IllegalStateException("Not a destination secret ciphertext (unknown format)");
    }

    /** GCM-opens what follows the {@code headerLength} first bytes, authenticating those bytes too. */
    private static byte[] open(SecretKeySpec key, byte[] ciphertext, int headerLength, String associatedData)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, ciphertext, headerLength, IV_BYTES));
        if (headerLength > 1) {
            cipher.updateAAD(ciphertext, 0, headerLength);
        }
        cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        int sealedAt = headerLength + IV_BYTES;
        return cipher.doFinal(ciphertext, sealedAt, ciphertext.length - sealedAt);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A key and its id, the first 8 bytes of its SHA-256: public, since it names the key without revealing it. */
    private record Key(SecretKeySpec spec, byte[] header, String hexId) {

        static Key of(byte[] key) {
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("An AES-256 key has 32 bytes, not " + key.length);
            }
            byte[] header = ByteBuffer.allocate(1 + KEY_ID_BYTES).put(VERSION).put(sha256(key), 0, KEY_ID_BYTES).array();
            return new Key(new SecretKeySpec(key, "AES"), header,
                    HexFormat.of().formatHex(header, 1, header.length));
        }

        @Override
        public byte[] header() {
            return header.clone();
        }
    }
}
