package org.opencdp.ingestion.tracking;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.opencdp.ingestion.sources.WriteKeyAuthenticator;

/** The write key in an {@code Authorization: Basic} header: the username, with an empty password. */
public final class BasicCredentials {

    private static final String BASIC = "Basic ";

    /**
     * The write key of the header; null when there is no Basic header or its username is empty
     * (the key may then be in the body). A Basic header that cannot be decoded is an invalid key.
     */
    public static String writeKey(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw WriteKeyAuthenticator.invalidWriteKey();
        }
        int colon = decoded.indexOf(':');
        String username = colon < 0 ? decoded : decoded.substring(0, colon);
        return username.isBlank() ? null : username;
    }

    private BasicCredentials() {
    }
}
