package io.driftgate.core.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The event time of a record ({@code eventTime}) and how far it may be from the wall clock at
 * validation time.
 *
 * @param field name of the event-time field (long or int, epoch milliseconds) in the reader schema
 * @param maxFutureSkew how far ahead of the clock an event time may be (default {@link
 *     #DEFAULT_MAX_FUTURE_SKEW}); later ones are dead letters {@code EVENT_TIME_IN_FUTURE}
 * @param maxAge how far behind the clock an event time may be, or null for no limit (the default);
 *     older ones are dead letters {@code EVENT_TIME_TOO_OLD}
 */
public record EventTimeSpec(String field, Duration maxFutureSkew, Duration maxAge)
    implements Serializable {

  /**
   * One hour: covers clock skew between producers and driftgate and batching delays, while an event
   * time one day or one year ahead (a unit or year typo) is caught.
   */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);

  public EventTimeSpec {
    Objects.requireNonNull(field, "field");
    maxFutureSkew = maxFutureSkew == null ? DEFAULT_MAX_FUTURE_SKEW : maxFutureSkew;
    if (maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("maxFutureSkew must be >= 0: " + maxFutureSkew);
    }
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("maxAge must be > 0: " + maxAge);
    }
  }

  /** The field with the default bounds (1h future skew, no maximum age). */
  public static EventTimeSpec of(String field) {
    return new EventTimeSpec(field, DEFAULT_MAX_FUTURE_SKEW, null);
  }

  /** {@link #maxFutureSkew} in milliseconds, saturated at {@link Long#MAX_VALUE}. */
  public long maxFutureSkewMillis() {
    return saturatedMillis(maxFutureSkew);
  }

  /** {@link #maxAge} in milliseconds (saturated), or -1 when there is no maximum age. */
  public long maxAgeMillis() {
    return maxAge == null ? -1 : saturatedMillis(maxAge);
  }

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
