package io.driftgate.core.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one parser of a tuning grid (parameter to the values searched), for {@code launcher.grid} in
 * driftgate.yaml and for {@code --grid k=v1,v2} on the command line. Both refuse the same things: a
 * parameter given twice, a parameter without values, a value listed twice, a name that is not a
 * parameter name, and more than {@value #MAX_COMBINATIONS} combinations.
 */
public final class GridParser {
  /** At most this many trials per study. */
  public static final int MAX_COMBINATIONS = 10_000;

  private static final Pattern PARAM = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final String YAML_FIX =
      "a mapping of training parameter to a list of values, e.g. {lr: [0.05, 0.1]}";

  private GridParser() {}

  /**
   * Parses repeated {@code option} values of the form {@code k=v1,v2,...} (blank items between
   * commas are ignored).
   *
   * @throws IllegalArgumentException naming every bad value and its fix
   */
  public static Map<String, List<String>> fromArgs(String option, List<String> args) {
    SpecReader r = new SpecReader(null);
    String fix =
        "use " + option + " k=v1,v2,... once per parameter, e.g. " + option + " lr=0.05,0.1";
    Map<String, List<String>> out = new LinkedHashMap<>();
    long combinations = 1;
    for (String arg : args) {
      String key = option + " " + arg;
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        r.err(key, arg, "is not k=v1,v2,...", fix);
        continue;
      }
      String name = arg.substring(0, eq).trim();
      List<Object> values =
          Arrays.stream(arg.substring(eq + 1).split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .collect(Collectors.toList());
      combinations = add(r, key, name, values, out, fix, combinations);
    }
    checkSize(r, option, combinations, args);
    if (r.hasErrors()) {
      throw new IllegalArgumentException(
          r.errors().stream().map(SpecError::message).collect(Collectors.joining("\n")));
    }
    return out;
  }

  /** Parses a YAML grid at {@code key}; problems go to {@code r}, null when it has none usable. */
  static Map<String, List<String>> fromYaml(SpecReader r, String key, Object v) {
    if (!(v instanceof Map<?, ?> gm) || gm.isEmpty()) {
      r.err(key, v, v instanceof Map ? "is empty" : "is not a mapping", YAML_FIX);
      return LauncherConfig.DEFAULT_GRID;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    long combinations = 1;
    for (Map.Entry<?, ?> e : gm.entrySet()) {
      String entryKey = key + "." + e.getKey();
      if (!(e.getKey() instanceof String name)) {
        r.err(entryKey, String.valueOf(e.getKey()), "is not a parameter name", YAML_FIX);
        continue;
      }
      if (!(e.getValue() instanceof List<?> values)) {
        r.err(entryKey, e.getValue(), "is not a non-empty list", YAML_FIX);
        continue;
      }
      combinations = add(r, entryKey, name, new ArrayList<>(values), out, YAML_FIX, combinations);
    }
    checkSize(r, key, combinations, "a mapping");
    return out.isEmpty() ? LauncherConfig.DEFAULT_GRID : out;
  }

  private static long add(
      SpecReader r,
      String key,
      String name,
      List<Object> values,
      Map<String, List<String>> out,
      String fix,
      long combinations) {
    if (!PARAM.matcher(name).matches()) {
      r.err(key, name, "is not a parameter name", fix);
      return combinations;
    }
    if (out.containsKey(name)) {
      r.err(key, name, "is given twice", "give each parameter once with all its values; " + fix);
      return combinations;
    }
    if (values.isEmpty()) {
      r.err(key, values, "is not a non-empty list", fix);
      return combinations;
    }
    List<String> vs = new ArrayList<>();
    for (Object x : values) {
      if (!(x instanceof Number || x instanceof String || x instanceof Boolean)) {
        r.err(key, x, "holds a value that is not a number or text", fix);
      } else if (vs.contains(String.valueOf(x))) {
        r.err(key, x, "holds a value twice", "list every value once");
      } else {
        vs.add(String.valueOf(x));
      }
    }
    out.put(name, vs);
    return combinations * Math.max(1, vs.size());
  }

  private static void checkSize(SpecReader r, String key, long combinations, Object value) {
    if (combinations > MAX_COMBINATIONS) {
      r.err(
          key,
          value,
          "has " + combinations + " combinations",
          "at most " + MAX_COMBINATIONS + " trials per study; search fewer values");
    }
  }
}
