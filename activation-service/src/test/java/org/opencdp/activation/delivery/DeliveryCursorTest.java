package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.paging.PageCursor;
import org.opencdp.kit.problem.CdpException;

class DeliveryCursorTest {

    @Test
    void shouldDecodeWhatItEncodedToTheMicrosecond() {
        DeliveryCursor cursor = new DeliveryCursor(Instant.parse("2025-06-01T10:11:12.123456Z"), UUID.randomUUID());

        assertThat(DeliveryCursor.after(cursor.encode())).contains(cursor);
        assertThat(DeliveryCursor.after(null)).isEmpty();
    }

    @Test
    void shouldRefuseACursorItDidNotIssue() {
        for (String bad : new String[] {"???", "bm90LWEtY3Vyc29y", "MTIzOm5vdC1hLXV1aWQ",
                PageCursor.encode("2025-06-01T10:11:12Z", "not-a-uuid")}) {
            assertThatThrownBy(() -> DeliveryCursor.after(bad)).as(bad)
                    .isInstanceOfSatisfying(CdpException.class, e -> assertThat(e.code()).isEqualTo("invalid_cursor"));
        }
    }
}
