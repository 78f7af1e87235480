package org.opencdp.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

class DeadLetterReasonTest {

    @Test
    void shouldKeepTheListenersOwnMessageAndTheRootCause() {
        var error = new ListenerExecutionFailedException("Listener failed",
                new PermanentMessageException("Event m-1 cannot be stored", new SQLException("invalid byte sequence")));

        assertThat(KafkaConfiguration.rootMessage(error)).isEqualTo(
                "PermanentMessageException: Event m-1 cannot be stored; cause: SQLException: invalid byte sequence");
    }

    @Test
    void shouldNotRepeatAMessageWithoutCause() {
        assertThat(KafkaConfiguration.rootMessage(new PermanentMessageException("no ids")))
                .isEqualTo("PermanentMessageException: no ids");
    }
}
