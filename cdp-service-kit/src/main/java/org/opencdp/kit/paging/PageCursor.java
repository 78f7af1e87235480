package org.opencdp.kit.paging;

import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.opencdp.kit.problem.CdpException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one paging cursor of every list API: the keyset position of a page's last item (its sort
 * keys, e.g. event time and message id), opaque to callers: base64url of a JSON array of strings.
 * A list answers {@code nextCursor} and takes it back as {@code cursor}; none (or blank) is the
 * first page; anything else it did not issue answers 400 {@code invalid_cursor}.
 */
public final class PageCursor {

    private static final JsonMapper JSON = MessageCodec.mapper();

    /** The cursor of the position {@code keys} (each as the list's own code writes and reads it). */
    public static String encode(String... keys) {
        byte[] json = JSON.writeValueAsBytes(List.of(keys));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
    }

    /**
     * The position to continue after: empty for no cursor (the first page), else {@code position}
     * applied to the cursor's {@code keyCount} keys. A cursor that is not base64url of that many
     * strings, or whose keys {@code position} refuses (an {@link IllegalArgumentException} such as a
     * bad UUID or number, or a {@link DateTimeException}), is 400 {@code invalid_cursor}.
     */
    public static <T> Optional<T> after(String cursor, int keyCount, Function<List<String>, T> position) {
        if (cursor == null || cursor.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode array = JSON.readTree(Base64.getUrlDecoder().decode(cursor));
            if (array == null || !array.isArray() || array.size() != keyCount) {
                throw invalid();
            }
            List<String> keys = new ArrayList<>(keyCount);
            for (JsonNode key : array) {
                if (!key.isString()) {
                    throw invalid();
                }
                keys.add(key.asString());
            }
            return Optional.of(position.apply(List.copyOf(keys)));
        } catch (IllegalArgumentException | DateTimeException | JacksonException e) {
            throw invalid();
        }
    }

    private static CdpException invalid() {
        return CdpException.badRequest("invalid_cursor",
                "The cursor is not one this API returned; pass the nextCursor of the previous page as it is.");
    }

    private PageCursor() {
    }
}
