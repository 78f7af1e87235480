package org.opencdp.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MalformedMessageException;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

class ErrorClassifierTest {

    @Test
    void shouldTreatBadRecordsAsPermanentEvenWhenWrapped() {
        assertThat(ErrorClassifier.isPermanent(new MalformedMessageException("bad"))).isTrue();
        assertThat(ErrorClassifier.isPermanent(new PermanentMessageException("unknown workspace"))).isTrue();
        assertThat(ErrorClassifier.isPermanent(
                new ListenerExecutionFailedException("listener failed", new MalformedMessageException("bad")))).isTrue();
    }

    @Test
    void shouldTreatInfrastructureTroubleAsRetriable() {
        assertThat(ErrorClassifier.isPermanent(new CannotAcquireLockException("lock timeout"))).isFalse();
        assertThat(ErrorClassifier.isPermanent(new RuntimeException(new IOException("connection reset")))).isFalse();
        assertThat(ErrorClassifier.isPermanent(new SQLTransientConnectionException("db away"))).isFalse();
        // a unique-key race between two consumers resolves itself on retry
        assertThat(ErrorClassifier.isPermanent(new DuplicateKeyException("race"))).isFalse();
    }
}
