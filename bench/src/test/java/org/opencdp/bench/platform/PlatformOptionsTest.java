package org.opencdp.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformOptionsTest {

    @Test
    void shouldDoubleTheRateFromFiveHundredWhenNoRatesAreGiven() {
        PlatformOptions options = PlatformOptions.parse("--max-rate", "4000");

        assertThat(options.rates()).containsExactly(500.0, 1_000.0, 2_000.0, 4_000.0);
        assertThat(options.stepDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.singleClients()).isEqualTo(64);
        assertThat(options.url()).isNull();
    }

    @Test
    void shouldReadRatesDurationsAndARunningPlatformWhenGiven() {
        PlatformOptions options = PlatformOptions.parse("--rates", "1000, 3000", "--step-duration=1m",
                "--single-duration", "0", "--url", "http://localhost/", "--profile-port", "9083", "--token", "t",
                "--keep-data");

        assertThat(options.rates()).isEqualTo(List.of(1_000.0, 3_000.0));
        assertThat(options.stepDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(options.singleDuration()).isZero();
        assertThat(options.url()).hasToString("http://localhost");
        assertThat(options.ports()).containsEntry("profile", 9083).containsEntry("ingestion", 8081);
        assertThat(options.keepData()).isTrue();
    }

    @Test
    void shouldRefuseAnUnknownOptionWhenParsing() {
        assertThatThrownBy(() -> PlatformOptions.parse("--rate", "5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown option --rate");
    }

    @Test
    void shouldAskForHelpWhenGivenHelp() {
        assertThat(PlatformOptions.parse("--help").help()).isTrue();
        assertThat(PlatformOptions.USAGE).contains("--step-duration", "--max-rate", "--rates", "--url");
    }
}
