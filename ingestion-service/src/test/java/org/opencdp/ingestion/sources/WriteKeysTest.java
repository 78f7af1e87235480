package org.opencdp.ingestion.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteKeysTest {

    @Test
    void shouldGenerateUnguessableUrlSafeKeys() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = WriteKeys.generate();
            assertThat(key).startsWith("wk_").matches("wk_[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(key.substring(3))).hasSize(32);
            keys.add(key);
        }
        assertThat(keys).hasSize(100);
    }

    @Test
    void shouldHashWithSha256Hex() {
        assertThat(WriteKeys.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldHintWithTheFirstSixCharacters() {
        assertThat(WriteKeys.hint("wk_abcdefgh")).isEqualTo("wk_abc…");
    }
}
