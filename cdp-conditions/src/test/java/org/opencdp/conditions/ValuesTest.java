package org.opencdp.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "2024-05-01, 2024-05-01T00:00:00Z",
            "2024-05-01T10:00Z, 2024-05-01T10:00:00Z",
            "2024-05-01T12:00:00+02:00, 2024-05-01T10:00:00Z",
            "2024-04-30T23:30:00-00:30, 2024-05-01T00:00:00Z",
            "2024-05-01T10:00:00.1234569Z, 2024-05-01T10:00:00.123456Z",
            "2024-02-29, 2024-02-29T00:00:00Z",
            "2000-02-29, 2000-02-29T00:00:00Z",
            "0001-01-01T00:30+01:00, 0000-12-31T23:30:00Z",
            "9999-12-31T23:59:59-14:59, +10000-01-01T14:58:59Z",
    })
    void shouldReadIsoTimesToTheMicrosecond(String text, String instant) {
        assertThat(Values.instant(text)).contains(Instant.parse(instant));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "0000-01-01", "2024-05-01T24:00Z",
            "2024-05-01t10:00:00z", "2024-05-01T10:00:00", "2024-05-01T10:00:00+15:00", "2024-05-01T10:00:60Z",
            "2024-05-01T10:00:00.1234567890Z", "2024-5-01", "20240501", " 2024-05-01"})
    void shouldNotReadOtherTextsAsTimes(String text) {
        assertThat(Values.instant(text)).isEqualTo(Optional.empty());
    }
}
