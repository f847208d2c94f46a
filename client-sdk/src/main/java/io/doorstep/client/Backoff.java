package io.doorstep.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long to wait before each reconnection attempt: {@code initial}, then multiplied by {@code multiplier} per
 * attempt up to {@code max}, each spread by ±{@code jitter} (a fraction) so that a village's stations, dropped by the
 * same outage, do not all come back at the same instant.
 *
 * @param initial    the first delay ({@link #DEFAULT}: 500 ms)
 * @param max        the longest delay (15 s)
 * @param multiplier growth per attempt (2)
 * @param jitter     spread as a fraction of the delay, 0..1 (0.3)
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {
    /** 0.5 s, 1 s, 2 s, 4 s ... capped at 15 s, ±30 %: what the protocol's client guidance suggests. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15), 2.0, 0.3);

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1 || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, multiplier >= 1, jitter 0..1");
        }
    }

    /** The delay before attempt {@code attempt} (0 = the first reconnection). */
    public Duration delay(int attempt, RandomGenerator random) {
        double base = Math.min(max.toMillis(), initial.toMillis() * Math.pow(multiplier, Math.min(attempt, 30)));
        double spread = base * jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(0, Math.round(base + spread)));
    }
}
