package org.opencdp.segmentation.segment;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.opencdp.kit.problem.CdpException;

/** The opaque keyset cursor of the members list: the last profile id of a page, base64url-encoded. */
final class MemberCursor {

    private static final String PREFIX = "m1:";

    static String encode(String lastProfileId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + lastProfileId).getBytes(StandardCharsets.UTF_8));
    }

    /** The profile id to continue after; {@code ""} (before every id) for the first page. */
    static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return "";
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(PREFIX) && text.length() > PREFIX.length()) {
                return text.substring(PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // not base64url: answered below
        }
        throw CdpException.badRequest("invalid_cursor", "The cursor is not one this API returned.");
    }

    private MemberCursor() {
    }
}
