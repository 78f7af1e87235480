package org.opencdp.ingestion.sources;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Write keys: {@code wk_} followed by 32 random bytes in unpadded base64url. Only the SHA-256 of a
 * key is stored (a key has 256 bits of entropy, so a plain hash is enough: there is nothing to
 * brute-force), plus a short hint that lets a user tell their keys apart.
 */
final class WriteKeys {

    static final String PREFIX = "wk_";
    private static final int RANDOM_BYTES = 32;
    private static final int HINT_LENGTH = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new random write key. */
    static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The lower-case hex SHA-256 of the key's UTF-8 bytes: what the database keeps. */
    static String hash(String writeKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(writeKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** The first characters of the key and an ellipsis, safe to show again later. */
    static String hint(String writeKey) {
        return writeKey.substring(0, Math.min(HINT_LENGTH, writeKey.length())) + "…";
    }

    private WriteKeys() {
    }
}
