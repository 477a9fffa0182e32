package io.driftgate.bench.train;

import java.util.HashMap;
import java.util.Map;

/** {@code --key value} command-line options with defaults. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value, got " + args[i]);
      }
      values.put(args[i].substring(2), args[++i]);
    }
  }

  String get(String key, String def) {
    return values.getOrDefault(key, def);
  }

  int getInt(String key, int def) {
    return Integer.parseInt(get(key, Integer.toString(def)));
  }

  long getLong(String key, long def) {
    return Long.parseLong(get(key, Long.toString(def)));
  }
}
