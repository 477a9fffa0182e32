package io.driftgate.core.run;

import io.driftgate.core.state.StaleStateException;

/**
 * {@link RunStore#save} of a run that changed in the store since this store last read or wrote it
 * (another launcher, or {@code driftgate runs cancel} editing the store, saved it meanwhile).
 * Nothing was written.
 */
public final class StaleRunException extends StaleStateException {
  private final String key;

  public StaleRunException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The run's idempotency key. */
  public String key() {
    return key;
  }
}
