package io.driftgate.core.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Shared helpers for enums whose constants have a lower-case name in driftgate.yaml. */
final class ConfigNames {
  private ConfigNames() {}

  /** An enum constant that has a name in driftgate.yaml. */
  interface Named {
    String configName();
  }

  static <E extends Enum<E> & Named> E parse(Class<E> type, String name) {
    if (name == null) {
      return null;
    }
    String n = name.trim();
    for (E e : type.getEnumConstants()) {
      if (e.configName().equalsIgnoreCase(n)) {
        return e;
      }
    }
    return null;
  }

  static <E extends Enum<E> & Named> String allowed(Class<E> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(Named::configName)
        .collect(Collectors.joining(", "));
  }
}
