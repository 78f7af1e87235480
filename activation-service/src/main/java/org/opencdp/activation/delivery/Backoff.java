package org.opencdp.activation.delivery;

import java.time.Duration;

/**
 * Exponential backoff: {@code base} after the first failure, doubling with each further one, never
 * more than {@code max}. A destination's own hint (Retry-After) is honoured up to {@code max}.
 */
record Backoff(Duration base, Duration max) {

    Backoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("Backoff needs 0 < base <= max, not base=" + base + ", max=" + max);
        }
    }

    /** The delay after the {@code failures}-th consecutive failure (1 for the first). */
    Duration after(int failures) {
        int exponent = Math.max(0, failures - 1);
        long baseMillis = Math.max(1, base.toMillis());
        long maxMillis = max.toMillis();
        if (exponent >= 62 || baseMillis > (maxMillis >> exponent)) {
            return max;
        }
        return Duration.ofMillis(baseMillis << exponent);
    }

    /** The delay after {@code failures}, at least the destination's {@code hint} when it gave one. */
    Duration after(int failures, Duration hint) {
        Duration delay = after(failures);
        if (hint == null || hint.compareTo(delay) <= 0) {
            return delay;
        }
        return hint.compareTo(max) > 0 ? max : hint;
    }
}
