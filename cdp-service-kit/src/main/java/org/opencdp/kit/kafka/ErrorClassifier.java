package org.opencdp.kit.kafka;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Set;
import org.opencdp.contracts.MalformedMessageException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.core.JacksonException;

/**
 * The kit's error model for consumers, modelled on Debezium's retriable/permanent split: every
 * failure is one {@link ConsumerErrorKind}, decided from the whole cause chain in this order.
 *
 * <ol>
 *   <li><b>content</b> when the chain holds a marker that the record itself is at fault: {@link
 *       PermanentMessageException}, {@link MalformedMessageException}, a Jackson or Spring
 *       deserialization/conversion error, or an {@link IllegalArgumentException} (what the kit's
 *       docs have always told services to throw for an invalid message);</li>
 *   <li><b>infrastructure</b> when the chain shows the database or the broker failing: SQLState
 *       class 08 (connection), 40001 / 40P01 (serialization failure, deadlock), 53 (insufficient
 *       resources), 57P (shutdown, cannot connect now), 57014 (statement timeout), 55P03 (lock not
 *       available), 58 (system / I/O error), 25006 (a read-only standby after a fail-over); Spring's
 *       {@link TransientDataAccessException}, {@link DataAccessResourceFailureException} (e.g.
 *       {@code CannotGetJdbcConnectionException}), {@link RecoverableDataAccessException}, {@link
 *       CannotCreateTransactionException}; JDBC's transient, recoverable and connection exceptions;
 *       Kafka's {@code RetriableException}; any {@link IOException};</li>
 *   <li><b>content</b> when the database refused the message's own data: SQLState class 22 (data
 *       exception) or 23 (integrity constraint violation), i.e. Spring's {@link
 *       DataIntegrityViolationException};</li>
 *   <li><b>programming</b> otherwise (NullPointerException, IllegalStateException,
 *       ClassCastException, a syntax error in SQL, ...).</li>
 * </ol>
 */
public final class ErrorClassifier {

    /** Exception types that say the record itself is at fault, wherever they are in the cause chain. */
    public static final List<Class<? extends Exception>> PERMANENT = List.of(
            PermanentMessageException.class,
            MalformedMessageException.class,
            JacksonException.class,
            IllegalArgumentException.class,
            org.springframework.kafka.support.serializer.DeserializationException.class,
            org.springframework.messaging.converter.MessageConversionException.class);

    /** Exception types that say the infrastructure failed, wherever they are in the cause chain. */
    private static final List<Class<? extends Throwable>> INFRASTRUCTURE = List.of(
            TransientDataAccessException.class,
            DataAccessResourceFailureException.class,
            RecoverableDataAccessException.class,
            CannotCreateTransactionException.class,
            SQLTransientException.class,
            SQLRecoverableException.class,
            SQLNonTransientConnectionException.class,
            org.apache.kafka.common.errors.RetriableException.class,
            IOException.class);

    /** SQLState classes (two characters) and codes of infrastructure failures. */
    private static final Set<String> INFRASTRUCTURE_SQL_CLASSES = Set.of("08", "53", "58");
    private static final Set<String> INFRASTRUCTURE_SQL_STATES = Set.of("40001", "40P01", "57014", "55P03",
            "25006");
    /** SQLState classes of data the database refuses: data exception, integrity constraint violation. */
    private static final Set<String> CONTENT_SQL_CLASSES = Set.of("22", "23");
    private static final String UNIQUE_VIOLATION = "23505";

    /** What kind of failure {@code error} is; see the class comment. */
    public static ConsumerErrorKind classify(Throwable error) {
        if (anyInChain(error, t -> isAny(t, PERMANENT))) {
            return ConsumerErrorKind.content;
        }
        if (anyInChain(error, t -> isAny(t, INFRASTRUCTURE) || isInfrastructureState(sqlState(t)))) {
            return ConsumerErrorKind.infrastructure;
        }
        if (anyInChain(error, t -> t instanceof DataIntegrityViolationException
                || (sqlState(t) != null && CONTENT_SQL_CLASSES.contains(sqlClass(sqlState(t)))))) {
            return ConsumerErrorKind.content;
        }
        return ConsumerErrorKind.programming;
    }

    /** Whether {@code error} means the record can never be applied (and goes to the dead-letter topic). */
    public static boolean isPermanent(Throwable error) {
        return classify(error) == ConsumerErrorKind.content;
    }

    /**
     * Whether {@code error} is a unique-key violation: a race between two transactions inserting the
     * same key resolves when the statement runs again; one that persists is the message's own data.
     */
    public static boolean isUniqueViolation(Throwable error) {
        return anyInChain(error, t -> t instanceof DuplicateKeyException || UNIQUE_VIOLATION.equals(sqlState(t)));
    }

    private static boolean isInfrastructureState(String state) {
        return state != null && (INFRASTRUCTURE_SQL_STATES.contains(state)
                || INFRASTRUCTURE_SQL_CLASSES.contains(sqlClass(state)) || state.startsWith("57P"));
    }

    private static String sqlClass(String state) {
        return state.length() >= 2 ? state.substring(0, 2) : state;
    }

    private static String sqlState(Throwable t) {
        return t instanceof SQLException sql ? sql.getSQLState() : null;
    }

    private static boolean isAny(Throwable t, List<? extends Class<? extends Throwable>> types) {
        for (Class<? extends Throwable> type : types) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyInChain(Throwable error, java.util.function.Predicate<Throwable> test) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 50; t = t.getCause(), depth++) {
            if (test.test(t)) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getNextException() != null && test.test(sql.getNextException())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private ErrorClassifier() {
    }
}
