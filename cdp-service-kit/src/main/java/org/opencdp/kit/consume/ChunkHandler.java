package org.opencdp.kit.consume;

import java.util.List;

/**
 * What a service does with the new messages of one chunk. Called inside the chunk's transaction,
 * after the kit has dropped every message applied before (by offset or by message id), with the
 * rest in the order they were consumed. It applies them set-wise, with a constant number of
 * statements however many there are, and appends what they cause to the outbox (one statement).
 * Throwing rolls the whole chunk back; the kit then retries it one message at a time.
 */
@FunctionalInterface
public interface ChunkHandler<T> {

    void apply(List<T> fresh);
}
