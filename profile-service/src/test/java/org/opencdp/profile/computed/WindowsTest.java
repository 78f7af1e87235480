package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowsTest {

    @Test
    void shouldReadFixedLengthIsoDurations() {
        assertThat(Windows.parse("P30D")).isEqualTo(Duration.ofDays(30));
        assertThat(Windows.parse("PT12H")).isEqualTo(Duration.ofHours(12));
        assertThat(Windows.parse("P1DT6H")).isEqualTo(Duration.ofHours(30));
        assertThat(Windows.parse("P2W")).isEqualTo(Duration.ofDays(14));
        assertThat(Windows.parse("pt90s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void shouldRefuseMonthsYearsAndWhatIsNotADuration() {
        assertThatThrownBy(() -> Windows.parse("P1M")).hasMessageContaining("months or years");
        assertThatThrownBy(() -> Windows.parse("P1Y2D")).hasMessageContaining("months or years");
        assertThatThrownBy(() -> Windows.parse("30 days")).hasMessageContaining("not an ISO-8601 duration");
        assertThatThrownBy(() -> Windows.parse("P")).hasMessageContaining("not an ISO-8601 duration");
    }

    @Test
    void shouldRefuseWindowsTooShortOrTooLong() {
        assertThatThrownBy(() -> Windows.parse("PT0S")).hasMessageContaining("from 1 second");
        assertThatThrownBy(() -> Windows.parse("PT-5S")).hasMessageContaining("from 1 second");
        assertThatThrownBy(() -> Windows.parse("P36501D")).hasMessageContaining("36500 days");
    }
}
