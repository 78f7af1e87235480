package org.opencdp.ingestion.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** The circuit with a test clock; the real outage (PostgreSQL refusing connections) is {@code DatabaseOutageIT}. */
class DatabaseCircuitTest {

    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger queries = new AtomicInteger();
    private final DatabaseCircuit circuit = new DatabaseCircuit(Duration.ofMillis(200), Duration.ofSeconds(5),
            Duration.ofSeconds(7), clock::get, new SimpleMeterRegistry());

    @AfterEach
    void tearDown() {
        circuit.destroy();
    }

    @Test
    void shouldReturnWhatTheQueryAnswers() {
        assertThat(circuit.call(() -> query("answer"))).isEqualTo("answer");
        assertThat(circuit.isOpen()).isFalse();
    }

    @Test
    void shouldOpenOnAConnectionFailureAndThenFailWithoutQueryingUntilTheRetryInterval() {
        assertUnavailable(() -> circuit.call(() -> {
            queries.incrementAndGet();
            throw new CannotGetJdbcConnectionException("Connection refused");
        }));
        assertThat(circuit.isOpen()).isTrue();

        clock.addAndGet(Duration.ofSeconds(4).toNanos());
        assertUnavailable(() -> circuit.call(() -> query("not asked")));
        assertThat(queries).as("an open circuit does not touch the database").hasValue(1);

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(circuit.call(() -> query("back"))).as("the probe after the retry interval").isEqualTo("back");
        assertThat(circuit.isOpen()).isFalse();
        assertThat(circuit.call(() -> query("again"))).isEqualTo("again");
    }

    @Test
    void shouldOpenWhenTheQueryDoesNotAnswerWithinTheTimeout() throws InterruptedException {
        CountDownLatch hanging = new CountDownLatch(1);
        try {
            assertUnavailable(() -> circuit.call(() -> {
                try {
                    return hanging.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(circuit.isOpen()).isTrue();
        } finally {
            hanging.countDown();
        }
    }

    @Test
    void shouldRethrowAFailureThatIsNotTheDatabaseBeingAwayAndStayClosed() {
        assertThatThrownBy(() -> circuit.call(() -> {
            throw new IllegalStateException("a bug");
        })).isInstanceOf(IllegalStateException.class).hasMessage("a bug");
        assertThat(circuit.isOpen()).isFalse();
    }

    private String query(String answer) {
        queries.incrementAndGet();
        return answer;
    }

    private static void assertUnavailable(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(CdpException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(e.code()).isEqualTo("database_unavailable");
            assertThat(e.retryAfterOrNull()).isEqualTo(Duration.ofSeconds(7));
        });
    }
}
