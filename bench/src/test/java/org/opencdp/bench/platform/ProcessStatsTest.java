package org.opencdp.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessStatsTest {

    @Test
    void shouldReadCpuTimesWhenTheCommandNameHoldsSpacesAndParentheses() {
        String stat = "4242 (java (cdp) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 89 10 20 0 80 0 100 0 0";

        assertThat(ProcessStats.parsePidStat(stat)).containsExactly(1, 1234, 567, 89, 10);
    }

    @Test
    void shouldGroupThreadsByTheirTruncatedNamesWhenAttributingCpu() {
        var groups = ProcessStats.threadGroups(42431);

        assertThat(ProcessStats.groupOf("C2 CompilerThre", groups)).isEqualTo("jit");
        assertThat(ProcessStats.groupOf("data-plane-kafk", groups)).isEqualTo("broker");
        assertThat(ProcessStats.groupOf("http-nio-42431-", groups)).isEqualTo("ingestion-http");
        assertThat(ProcessStats.groupOf("http-nio-42432-", groups)).isNull();
        assertThat(ProcessStats.groupOf("org.springframe", groups)).isNull();
    }

    @Test
    void shouldCountIdleAndIowaitAsNotBusyWhenReadingTheMachineLine() {
        double[] seconds = ProcessStats.parseMachine("cpu  100 10 50 800 40 5 5 0 0 0", 100);

        assertThat(seconds[0]).isEqualTo(1.7);
        assertThat(seconds[1]).isEqualTo(10.1);
    }
}
