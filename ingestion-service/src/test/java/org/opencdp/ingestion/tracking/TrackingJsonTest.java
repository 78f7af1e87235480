package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.problem.CdpException;

class TrackingJsonTest {

    private final TrackingJson json = new TrackingJson(500_000);

    @Test
    void shouldRefuseNestingDeeperThanTheLimit() {
        String deep = "{\"a\":".repeat(TrackingJson.MAX_NESTING_DEPTH + 1) + "1" + "}".repeat(TrackingJson.MAX_NESTING_DEPTH + 1);

        assertInvalidJson(deep);
    }

    @Test
    void shouldAcceptNestingUpToTheLimit() {
        String deep = "{\"a\":".repeat(TrackingJson.MAX_NESTING_DEPTH) + "1" + "}".repeat(TrackingJson.MAX_NESTING_DEPTH);

        assertThat(read(deep).path("a").isObject()).isTrue();
    }

    @Test
    void shouldRefuseOverlongNumbers() {
        assertInvalidJson("{\"n\": " + "9".repeat(TrackingJson.MAX_NUMBER_LENGTH + 1) + "}");
    }

    @Test
    void shouldRefuseADocumentLongerThanTheLimit() {
        var small = new TrackingJson(100);

        assertThatThrownBy(() -> small.readObject(("{\"s\": \"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(CdpException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }

    @Test
    void shouldRefuseBodiesThatAreNotOneJsonObject() {
        assertInvalidJson("");
        assertInvalidJson("[{\"userId\": \"u1\"}]");
        assertInvalidJson("{\"userId\": \"u1\"} {\"userId\": \"u2\"}");
        assertInvalidJson("{\"userId\": ");
        assertInvalidJson("{\"n\": NaN}");
    }

    @Test
    void shouldKeepDecimalsExactlyAsSent() {
        assertThat(read("{\"price\": 19.90, \"big\": 12345678901234567890.123456789}").toString())
                .isEqualTo("{\"price\":19.90,\"big\":12345678901234567890.123456789}");
    }

    private tools.jackson.databind.node.ObjectNode read(String body) {
        return json.readObject(body.getBytes(StandardCharsets.UTF_8));
    }

    private void assertInvalidJson(String body) {
        assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(CdpException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_json");
            assertThat(e.kind().status()).isEqualTo(400);
        });
    }
}
