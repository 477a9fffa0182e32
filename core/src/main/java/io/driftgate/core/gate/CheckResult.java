package io.driftgate.core.gate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outcome of one gate check.
 *
 * @param name check name (see {@link Gate})
 * @param status outcome
 * @param detail one human-readable line with the numbers
 * @param numbers the numbers behind the decision, in a stable order
 */
public record CheckResult(String name, Status status, String detail, Map<String, Double> numbers) {

  /** Check outcome. Only {@link #FAIL} blocks promotion. */
  public enum Status {
    PASS,
    FAIL,
    WARN,
    SKIPPED
  }

  public CheckResult {
    numbers = Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
  }

  /** {@code STATUS name: detail}. */
  public String reason() {
    return status + " " + name + ": " + detail;
  }
}
