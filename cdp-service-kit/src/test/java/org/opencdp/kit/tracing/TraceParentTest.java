package org.opencdp.kit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceParentTest {

    @Test
    void shouldReadTraceIdSpanIdAndSampledFlag() {
        TraceParent parsed = TraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        assertThat(parsed).isEqualTo(new TraceParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", true));
        assertThat(TraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00").sampled()).isFalse();
    }

    @Test
    void shouldRefuseMissingMalformedAndAllZeroValues() {
        assertThat(TraceParent.parse(null)).isNull();
        assertThat(TraceParent.parse("")).isNull();
        assertThat(TraceParent.parse("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")).isNull();
        assertThat(TraceParent.parse("00-" + "0".repeat(32) + "-b7ad6b7169203331-01")).isNull();
        assertThat(TraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-" + "0".repeat(16) + "-01")).isNull();
    }
}
