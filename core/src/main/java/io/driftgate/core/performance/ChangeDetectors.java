package io.driftgate.core.performance;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The registered change detectors by name, each built from its settings (as a spec section would
 * give them: {@code detector: adwin, delta: 0.002}). A new detector is one class plus one entry
 * here.
 */
public final class ChangeDetectors {
  private static final Map<String, Function<Settings, ChangeDetector>> REGISTRY =
      new LinkedHashMap<>();

  static {
    REGISTRY.put(
        Adwin.NAME,
        s ->
            new Adwin(
                s.number("delta", 0.002),
                (int) s.number("maxBucketsPerRow", 5),
                (int) s.number("clock", 32),
                (int) s.number("minSubWindow", 5)));
    REGISTRY.put(
        PageHinkley.NAME,
        s ->
            new PageHinkley(
                s.number("delta", 0.005),
                s.number("lambda", 50),
                (long) s.number("minObservations", 30),
                s.direction()));
  }

  private ChangeDetectors() {}

  /** Names of the registered detectors. */
  public static Set<String> names() {
    return REGISTRY.keySet();
  }

  /**
   * Builds a detector.
   *
   * @param name a registered name ({@link #names()})
   * @param settings its settings by key; absent keys take the defaults
   * @throws IllegalArgumentException naming the key, the value and the fix
   */
  public static ChangeDetector create(String name, Map<String, ?> settings) {
    Function<Settings, ChangeDetector> f = REGISTRY.get(name);
    if (f == null) {
      throw new IllegalArgumentException(
          "performance.detector: unknown detector '" + name + "'; use one of " + names());
    }
    Settings s = new Settings(name, settings == null ? Map.of() : settings);
    try {
      return f.apply(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("performance." + name + ": " + e.getMessage(), e);
    }
  }

  private record Settings(String detector, Map<String, ?> values) {
    double number(String key, double dflt) {
      Object v = values.get(key);
      if (v == null) {
        return dflt;
      }
      if (v instanceof Number n) {
        return n.doubleValue();
      }
      try {
        return Double.parseDouble(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "performance." + detector + "." + key + ": '" + v + "' is not a number; e.g. " + dflt);
      }
    }

    PageHinkley.Direction direction() {
      Object v = values.get("direction");
      if (v == null) {
        return PageHinkley.Direction.INCREASE;
      }
      try {
        return PageHinkley.Direction.valueOf(v.toString().trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "performance."
                + detector
                + ".direction: '"
                + v
                + "' is not a direction; use increase, decrease or both");
      }
    }
  }
}
