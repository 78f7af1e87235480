package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.problem.CdpException;

class BasicCredentialsTest {

    @Test
    void shouldTakeTheWriteKeyFromTheBasicUsername() {
        assertThat(BasicCredentials.writeKey(basic("wk_abc:"))).isEqualTo("wk_abc");
        assertThat(BasicCredentials.writeKey(basic("wk_abc"))).isEqualTo("wk_abc");
        assertThat(BasicCredentials.writeKey("basic " + encode("wk_abc:"))).isEqualTo("wk_abc");
    }

    @Test
    void shouldFindNoKeyWithoutABasicHeaderOrWithAnEmptyUsername() {
        assertThat(BasicCredentials.writeKey(null)).isNull();
        assertThat(BasicCredentials.writeKey("Bearer abc")).isNull();
        assertThat(BasicCredentials.writeKey(basic(":"))).isNull();
    }

    @Test
    void shouldRefuseABasicHeaderThatIsNotBase64() {
        assertThatThrownBy(() -> BasicCredentials.writeKey("Basic %%%"))
                .isInstanceOfSatisfying(CdpException.class, e -> assertThat(e.code()).isEqualTo("invalid_write_key"));
    }

    private static String basic(String credentials) {
        return "Basic " + encode(credentials);
    }

    private static String encode(String credentials) {
        return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
