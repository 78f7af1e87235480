package org.opencdp.kit.kafka;

/**
 * Why a consumer failed on a record, which decides what happens to it ({@link ErrorClassifier}).
 * The constant names are the values of the {@code kind} tag of {@code cdp_consumer_errors_total}.
 */
public enum ConsumerErrorKind {

    /**
     * The database or the broker is away, a connection broke, or a transaction lost a deadlock or a
     * serialization race. The record is fine: it is retried with backoff for as long as it takes and
     * never dead-lettered.
     */
    infrastructure,

    /**
     * The record itself can never be applied: it cannot be decoded, the service refused it ({@link
     * PermanentMessageException}), or its own data breaks a database rule (SQLState class 22 or 23).
     * It goes to the service's dead-letter topic at once, with the reason in headers.
     */
    content,

    /**
     * Anything else, such as a NullPointerException: a bug, not bad data. The record is retried with
     * backoff until a fixed version runs, logged at ERROR and counted, so an alert fires; it is never
     * dead-lettered.
     */
    programming
}
