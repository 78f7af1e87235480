package org.opencdp.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MalformedMessageException;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Issue 15: the kit's error model, infrastructure / content / programming. */
class ErrorClassifierTest {

    @Test
    void shouldTreatBadRecordsAsContentEvenWhenWrapped() {
        assertThat(ErrorClassifier.classify(new MalformedMessageException("bad"))).isEqualTo(ConsumerErrorKind.content);
        assertThat(ErrorClassifier.isPermanent(new PermanentMessageException("unknown workspace"))).isTrue();
        assertThat(ErrorClassifier.isPermanent(new IllegalArgumentException("not a UUID"))).isTrue();
        assertThat(ErrorClassifier.isPermanent(new ListenerExecutionFailedException("listener failed",
                new BatchListenerFailedException("record 3", new MalformedMessageException("bad"), 3)))).isTrue();
    }

    @Test
    void shouldTreatDataTheDatabaseRefusesAsContent() {
        assertThat(ErrorClassifier.classify(sqlFailure("23514", "new row violates check constraint")))
                .isEqualTo(ConsumerErrorKind.content);
        assertThat(ErrorClassifier.classify(sqlFailure("22021", "invalid byte sequence for encoding UTF8: 0x00")))
                .isEqualTo(ConsumerErrorKind.content);
        assertThat(ErrorClassifier.classify(new DataIntegrityViolationException("not null")))
                .isEqualTo(ConsumerErrorKind.content);
        assertThat(ErrorClassifier.isUniqueViolation(new DuplicateKeyException("race"))).isTrue();
        assertThat(ErrorClassifier.isUniqueViolation(sqlFailure("23505", "duplicate key"))).isTrue();
        assertThat(ErrorClassifier.isUniqueViolation(sqlFailure("23514", "check"))).isFalse();
    }

    @Test
    void shouldTreatTheDatabaseOrBrokerBeingAwayAsInfrastructure() {
        assertThat(ErrorClassifier.classify(new CannotAcquireLockException("lock timeout")))
                .isEqualTo(ConsumerErrorKind.infrastructure);
        assertThat(ErrorClassifier.classify(new PessimisticLockingFailureException("deadlock detected")))
                .isEqualTo(ConsumerErrorKind.infrastructure);
        assertThat(ErrorClassifier.classify(new RuntimeException(new IOException("connection reset"))))
                .isEqualTo(ConsumerErrorKind.infrastructure);
        assertThat(ErrorClassifier.classify(new CannotCreateTransactionException("no connection",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available"))))
                .isEqualTo(ConsumerErrorKind.infrastructure);
        assertThat(ErrorClassifier.classify(new CannotGetJdbcConnectionException("db away")))
                .isEqualTo(ConsumerErrorKind.infrastructure);
        assertThat(ErrorClassifier.classify(new org.apache.kafka.common.errors.TimeoutException("broker away")))
                .isEqualTo(ConsumerErrorKind.infrastructure);
        for (String state : new String[] {"08006", "08001", "40001", "40P01", "53300", "57P01", "57P03", "57014",
                "55P03", "58030", "25006"}) {
            assertThat(ErrorClassifier.classify(sqlFailure(state, "server said no"))).as(state)
                    .isEqualTo(ConsumerErrorKind.infrastructure);
        }
    }

    @Test
    void shouldTreatEverythingElseAsAProgrammingErrorNeverAsBadData() {
        assertThat(ErrorClassifier.classify(new ListenerExecutionFailedException("listener failed",
                new NullPointerException("profile")))).isEqualTo(ConsumerErrorKind.programming);
        assertThat(ErrorClassifier.classify(new ClassCastException("String to Long")))
                .isEqualTo(ConsumerErrorKind.programming);
        assertThat(ErrorClassifier.classify(new IllegalStateException("unexpected")))
                .isEqualTo(ConsumerErrorKind.programming);
        assertThat(ErrorClassifier.classify(sqlFailure("42P01", "relation \"segment\" does not exist")))
                .isEqualTo(ConsumerErrorKind.programming);
        assertThat(ErrorClassifier.isPermanent(new NullPointerException())).isFalse();
    }

    private static RuntimeException sqlFailure(String sqlState, String message) {
        return new UncategorizedSQLException("apply chunk", "INSERT ...", new SQLException(message, sqlState));
    }
}
