package org.opencdp.sdkcompat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Issue 10: the SDK suite is skipped with a reason on a machine without its runtimes, and fails
 * instead when {@code CDP_SDK_SUITE_REQUIRED} is set (CI). No runtime is needed: the environment is
 * a map.
 */
class RuntimesTest {

    @TempDir
    Path empty;

    @Test
    void shouldSkipWithTheReasonWhenNodeIsMissingAndTheSuiteIsNotRequired() {
        assertThatThrownBy(() -> Runtimes.node(env("PATH", empty.toString())))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("Node.js ('node') is not on the PATH; install Node.js 20+");
        assertThatThrownBy(() -> Runtimes.npm(env()))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("npm is not on the PATH");
    }

    @Test
    void shouldFailWhenARuntimeIsMissingAndTheSuiteIsRequired() {
        for (String required : new String[] {"1", "true", "TRUE"}) {
            assertThatThrownBy(() -> Runtimes.node(env("PATH", empty.toString(), Runtimes.REQUIRED, required)))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("Node.js ('node') is not on the PATH")
                    .hasMessageContaining("CDP_SDK_SUITE_REQUIRED is set, so the SDK suite must run");
        }
    }

    @Test
    void shouldSkipOrFailWhenChromiumIsNotWhereConfigured() {
        String nowhere = empty.resolve("chromium").toString();

        assertThatThrownBy(() -> Runtimes.chromium(env(Runtimes.CHROMIUM, nowhere)))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("Chromium is not at " + nowhere).hasMessageContaining("CDP_CHROMIUM");
        assertThatThrownBy(() -> Runtimes.chromium(env(Runtimes.CHROMIUM, nowhere, Runtimes.REQUIRED, "1")))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("Chromium is not at " + nowhere);
    }

    @Test
    void shouldFindARuntimeThatIsThere() throws IOException {
        Path npm = Files.createFile(empty.resolve("npm"));
        assertThat(npm.toFile().setExecutable(true)).isTrue();

        assertThat(Runtimes.npm(env("PATH", empty.toString(), Runtimes.REQUIRED, "1"))).isEqualTo(npm);
        assertThat(Runtimes.chromium(env(Runtimes.CHROMIUM, npm.toString()))).isEqualTo(npm);
    }

    @Test
    void shouldBeRequiredOnlyWhenTheVariableSaysSo() {
        assertThat(Runtimes.required(env())).isFalse();
        assertThat(Runtimes.required(env(Runtimes.REQUIRED, "0"))).isFalse();
        assertThat(Runtimes.required(env(Runtimes.REQUIRED, ""))).isFalse();
        assertThat(Runtimes.required(env(Runtimes.REQUIRED, "1"))).isTrue();
        assertThat(Runtimes.required(env(Runtimes.REQUIRED, "true"))).isTrue();
    }

    /** An environment of the given names and values, nothing else. */
    private static UnaryOperator<String> env(String... namesAndValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return values::get;
    }
}
