package org.opencdp.activation.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.opencdp.kit.problem.CdpException;

/** The opaque position in a delivery log: the last item's creation time and id, base64url-encoded. */
record DeliveryCursor(Instant createdAt, UUID id) {

    String encode() {
        long micros = Math.addExact(Math.multiplyExact(createdAt.getEpochSecond(), 1_000_000L), createdAt.getNano() / 1_000);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    static DeliveryCursor decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 2);
            long micros = Long.parseLong(parts[0]);
            return new DeliveryCursor(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1_000), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw CdpException.badRequest("invalid_cursor", "The cursor is not one this API returned.");
        }
    }
}
