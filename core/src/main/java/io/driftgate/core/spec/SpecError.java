package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * One problem found in a model spec.
 *
 * @param key the key path, e.g. {@code features[2].min} or {@code source.format}
 * @param value the offending value as written (null when the key is missing)
 * @param allowed what is allowed or how to fix it
 * @param message the full one-line message, starting with the key path
 */
public record SpecError(String key, String value, String allowed, String message)
    implements Serializable {
  public SpecError {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return message;
  }
}
