package io.driftgate.core.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Volume and pacing rules for retraining ({@code volume}); every key is optional.
 *
 * @param minNewRecords new lake records needed since the last training (default 100000)
 * @param cooldown minimum time between two retrain requests (default 10m)
 * @param maxInFlight training runs allowed at the same time (default 1)
 * @param maxAge retrain when the serving model is older than this even without drift, or null
 */
public record VolumeSpec(long minNewRecords, Duration cooldown, int maxInFlight, Duration maxAge)
    implements Serializable {

  public static final long DEFAULT_MIN_NEW_RECORDS = 100_000L;
  public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(10);
  public static final int DEFAULT_MAX_IN_FLIGHT = 1;

  public VolumeSpec {
    Objects.requireNonNull(cooldown, "cooldown");
  }

  public static VolumeSpec defaults() {
    return new VolumeSpec(DEFAULT_MIN_NEW_RECORDS, DEFAULT_COOLDOWN, DEFAULT_MAX_IN_FLIGHT, null);
  }
}
