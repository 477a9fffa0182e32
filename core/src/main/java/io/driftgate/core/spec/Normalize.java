package io.driftgate.core.spec;

import java.util.Locale;

/**
 * Case normalization of a categorical feature ({@code normalize}); values are always trimmed first.
 */
public enum Normalize implements ConfigNames.Named {
  /** Keep the case. The default. */
  NONE("none"),
  /** Upper-case (Locale.ROOT). */
  UPPER("upper"),
  /** Lower-case (Locale.ROOT). */
  LOWER("lower");

  private final String configName;

  Normalize(String configName) {
    this.configName = configName;
  }

  /** The name used in driftgate.yaml. */
  @Override
  public String configName() {
    return configName;
  }

  /** Parses a config name (case-insensitive); returns null when unknown. */
  public static Normalize fromConfigName(String name) {
    return ConfigNames.parse(Normalize.class, name);
  }

  /**
   * Trims {@code raw} and applies this normalization. Returns null for null. This is exactly what
   * the validator does to categorical values before the {@code allowed} check.
   */
  public String apply(String raw) {
    if (raw == null) {
      return null;
    }
    String t = raw.trim();
    return switch (this) {
      case NONE -> t;
      case UPPER -> t.toUpperCase(Locale.ROOT);
      case LOWER -> t.toLowerCase(Locale.ROOT);
    };
  }

  /** The accepted config names, comma separated, for error messages. */
  public static String allowedNames() {
    return ConfigNames.allowed(Normalize.class);
  }
}
