package org.opencdp.activation.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff: {@code base} after the first failure, doubling with each further one, never
 * more than {@code max}. {@link #jittered} spreads retries (equal jitter: between half the delay and
 * the delay) so deliveries that failed together do not come back together, and honours a
 * destination's own hint (Retry-After) in full: the retry window, not the backoff, bounds it.
 */
record Backoff(Duration base, Duration max) {

    Backoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("Backoff needs 0 < base <= max, not base=" + base + ", max=" + max);
        }
    }

    /** The delay after the {@code failures}-th consecutive failure (1 for the first), without jitter. */
    Duration after(int failures) {
        int exponent = Math.max(0, failures - 1);
        long baseMillis = Math.max(1, base.toMillis());
        long maxMillis = max.toMillis();
        if (exponent >= 62 || baseMillis > (maxMillis >> exponent)) {
            return max;
        }
        return Duration.ofMillis(baseMillis << exponent);
    }

    /**
     * The delay after {@code failures}: {@link #after(int)} with equal jitter drawn from {@code
     * random}, and at least the destination's {@code hint} when it gave one (even beyond {@code max}).
     */
    Duration jittered(int failures, Duration hint, RandomGenerator random) {
        long full = after(failures).toMillis();
        long half = full / 2;
        Duration delay = Duration.ofMillis(half + (full - half == 0 ? 0 : random.nextLong(full - half + 1)));
        return hint != null && hint.compareTo(delay) > 0 ? hint : delay;
    }
}
