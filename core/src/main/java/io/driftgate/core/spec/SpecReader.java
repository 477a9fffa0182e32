package io.driftgate.core.spec;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The one YAML reader of driftgate.yaml: loads the document strictly and reads typed values from
 * it, collecting every problem (key path, value, fix, "did you mean") instead of stopping at the
 * first. Every section parser reads through one instance, so all sections report the same way.
 *
 * <p>A getter that finds a bad value records the problem and returns its default (or null), so the
 * rest of the spec is still checked; {@link #throwIfErrors()} ends the parse.
 */
final class SpecReader {
  private final Path baseDir;
  private final List<SpecError> errors = new ArrayList<>();

  /**
   * @param baseDir what relative paths resolve against; null when none are read
   */
  SpecReader(Path baseDir) {
    this.baseDir = baseDir;
  }

  // ------------------------------------------------------------------ documents

  /** Reads a spec file's YAML document (no validation beyond YAML itself). */
  static Object loadFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new SpecException(
          new SpecError(
              "(file)",
              file.toString(),
              "a readable UTF-8 file",
              "(file): spec file \"" + file + "\" cannot be read (" + e + "); check permissions"));
    }
    return load(text);
  }

  /** Parses YAML text; only true/false are booleans, no timestamps, no duplicate keys. */
  static Object load(String text) {
    try {
      return yaml().load(text);
    } catch (YAMLException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new SpecException(
          new SpecError(
              "(yaml)",
              null,
              "valid YAML",
              "(yaml): the spec is not valid YAML: "
                  + oneLine(msg)
                  + "; fix the syntax at the line and column shown"));
    }
  }

  /** A YAML 1.2-like resolver: only true/false are booleans (not yes/no/on/off), no timestamps. */
  private static final class StrictResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(
          Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, NULL, "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
    }
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(
        new SafeConstructor(options),
        new Representer(dumper),
        dumper,
        options,
        new StrictResolver());
  }

  // ------------------------------------------------------------------ errors

  List<SpecError> errors() {
    return errors;
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  int errorCount() {
    return errors.size();
  }

  void throwIfErrors() {
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
  }

  void missing(String key, String fix) {
    errors.add(new SpecError(key, null, fix, key + ": missing required key; " + fix));
  }

  void err(String key, Object value, String problem, String allowed) {
    errors.add(
        new SpecError(
            key,
            raw(value),
            allowed,
            key + ": value " + show(value) + " " + problem + "; " + allowed));
  }

  /** A problem whose message is not "value ... is ...", e.g. a key that is no longer used. */
  void note(String key, Object value, String allowed, String message) {
    errors.add(new SpecError(key, raw(value), allowed, key + ": " + message));
  }

  private static String raw(Object v) {
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    return String.valueOf(v);
  }

  private static String show(Object v) {
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof Map<?, ?> m) {
      return "{" + String.join(", ", m.keySet().stream().map(String::valueOf).toList()) + "}";
    }
    if (v instanceof List<?> l) {
      String s = l.toString();
      return s.length() > 80 ? s.substring(0, 77) + "...]" : s;
    }
    return String.valueOf(v);
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
  }

  // ------------------------------------------------------------------ mappings

  static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** {@code parent.name} as a mapping with only {@code keys}; null when absent or invalid. */
  Map<String, Object> section(
      Map<String, Object> parent, String path, String name, boolean required, List<String> keys) {
    if (parent == null) {
      return null;
    }
    String key = join(path, name);
    Object v = parent.get(name);
    if (v == null) {
      if (required) {
        missing(key, "add a '" + name + "' section with keys: " + String.join(", ", keys));
      }
      return null;
    }
    return mapping(v, key, keys);
  }

  Map<String, Object> mapping(Object v, String key, List<String> keys) {
    return mapping(v, key, keys, List.of());
  }

  /**
   * {@code v} as a mapping; unknown keys are reported (with the closest allowed key) and dropped so
   * that the rest is still checked. {@code handledElsewhere} are keys the caller reports itself
   * (keys of earlier versions), neither allowed nor reported here.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> mapping(
      Object v, String key, List<String> keys, Collection<String> handledElsewhere) {
    if (!(v instanceof Map<?, ?> m)) {
      err(key, v, "is not a mapping", "expected keys: " + String.join(", ", keys));
      return null;
    }
    boolean ok = true;
    for (Object k : m.keySet()) {
      String ks = String.valueOf(k);
      if (!(k instanceof String) || !keys.contains(ks)) {
        ok = false;
        if (k instanceof String && handledElsewhere.contains(ks)) {
          continue;
        }
        String childKey = key.equals("(document)") ? ks : key + "." + ks;
        String suggestion = suggest(ks, keys);
        String allowed =
            "allowed keys: "
                + String.join(", ", keys)
                + (suggestion == null ? "" : " (did you mean \"" + suggestion + "\"?)");
        errors.add(
            new SpecError(
                childKey, ks, allowed, childKey + ": unknown key \"" + ks + "\"; " + allowed));
      }
    }
    if (!ok) {
      Map<String, Object> known = new LinkedHashMap<>();
      m.forEach(
          (k, val) -> {
            if (k instanceof String s && keys.contains(s)) {
              known.put(s, val);
            }
          });
      return known;
    }
    return (Map<String, Object>) m;
  }

  /** {@code m.name} as property name to text (sorted); {@code example} shows the form. */
  Map<String, String> properties(Map<String, Object> m, String path, String example) {
    Map<String, String> props = new TreeMap<>();
    Object p = m == null ? null : m.get("properties");
    if (p instanceof Map<?, ?> pm) {
      pm.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    } else if (p != null) {
      err(join(path, "properties"), p, "is not a mapping", example);
    }
    return props;
  }

  // ------------------------------------------------------------------ scalars

  String string(Map<String, Object> m, String path, String name, boolean required, String example) {
    if (m == null) {
      return null;
    }
    String key = join(path, name);
    Object v = m.get(name);
    if (v == null) {
      if (required) {
        missing(key, "add " + name + ": <value>, e.g. " + name + ": " + example);
      }
      return null;
    }
    if (v instanceof String s) {
      if (s.isBlank()) {
        err(key, v, "is empty", "write a value, e.g. " + name + ": " + example);
        return null;
      }
      return s.trim();
    }
    if (v instanceof Number) {
      return v.toString();
    }
    err(key, v, "is not a string", "write a plain text value, e.g. " + name + ": " + example);
    return null;
  }

  /** A string that must match {@code form}; {@code def} when absent or invalid. */
  String matching(
      Map<String, Object> m,
      String path,
      String name,
      String def,
      Pattern form,
      String problem,
      String fix) {
    if (m == null || m.get(name) == null) {
      return def;
    }
    String s = string(m, path, name, false, fix);
    if (s != null && !form.matcher(s).matches()) {
      err(join(path, name), m.get(name), problem, fix);
      return def;
    }
    return s == null ? def : s;
  }

  Path path(Map<String, Object> m, String path, String name, boolean required, String example) {
    String s = string(m, path, name, required, example);
    return s == null ? null : resolve(join(path, name), s);
  }

  Path resolve(String key, String s) {
    try {
      return baseDir.resolve(s).normalize();
    } catch (RuntimeException e) {
      err(key, s, "is not a valid path (" + e.getMessage() + ")", "write a file system path");
      return null;
    }
  }

  List<Path> pathList(Map<String, Object> m, String path, String name) {
    List<String> raw = strings(m, path, name);
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Path p = resolve(join(path, name) + "[" + i + "]", raw.get(i));
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  List<String> strings(Map<String, Object> m, String path, String name) {
    List<String> out = new ArrayList<>();
    if (m == null || m.get(name) == null) {
      return out;
    }
    String key = join(path, name);
    Object v = m.get(name);
    if (!(v instanceof List<?> list)) {
      err(key, v, "is not a list", "write a list such as [a, b] or one '- item' per line");
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      Object e = list.get(i);
      if (e instanceof String s) {
        out.add(s);
      } else if (e instanceof Number) {
        out.add(e.toString());
      } else {
        err(
            key + "[" + i + "]",
            e,
            "is not a string",
            "write a plain text value (quote it if needed)");
      }
    }
    return out;
  }

  Boolean bool(Map<String, Object> m, String path, String name, Boolean def) {
    Object v = m == null ? null : m.get(name);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    err(join(path, name), v, "is not a boolean", "expected true or false");
    return def;
  }

  Double number(Map<String, Object> m, String path, String name, Double def) {
    Object v = m == null ? null : m.get(name);
    if (v == null) {
      return def;
    }
    Double d = toDouble(join(path, name), v);
    return d == null ? def : d;
  }

  Double toDouble(String key, Object v) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        err(key, v, "is not a finite number", "expected a number such as 0 or 12.5");
        return null;
      }
      return d;
    }
    err(key, v, "is not a number", "expected a number such as 0 or 12.5");
    return null;
  }

  Long whole(Map<String, Object> m, String path, String name, Long def, long lo, long hi) {
    Object v = m == null ? null : m.get(name);
    if (v == null) {
      return def;
    }
    Long out = wholeValue(join(path, name), v, lo, hi);
    return out == null ? def : out;
  }

  /** {@link #whole} for an int setting. */
  int wholeInt(Map<String, Object> m, String path, String name, int def, int lo, int hi) {
    return whole(m, path, name, (long) def, lo, hi).intValue();
  }

  /** A whole number in [lo, hi], or null after reporting why {@code v} is not one. */
  Long wholeValue(String key, Object v, long lo, long hi) {
    String range =
        hi == Long.MAX_VALUE
            ? (lo == Long.MIN_VALUE ? "any whole number" : "a whole number >= " + lo)
            : "a whole number between " + lo + " and " + hi;
    Long out = null;
    if (v instanceof Integer || v instanceof Long) {
      out = ((Number) v).longValue();
    } else if (v instanceof BigInteger bi) {
      if (bi.bitLength() < 64) {
        out = bi.longValue();
      }
    } else if (v instanceof Double d && Double.isFinite(d) && d == Math.rint(d)) {
      BigDecimal bd = BigDecimal.valueOf(d);
      if (bd.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
        out = bd.longValue();
      }
    }
    if (out == null) {
      err(
          key,
          v,
          v instanceof Number ? "is not a whole number in range" : "is not a whole number",
          "expected " + range);
      return null;
    }
    if (out < lo || out > hi) {
      err(key, v, "is out of range", "expected " + range);
      return null;
    }
    return out;
  }

  Duration duration(Map<String, Object> m, String path, String name, Duration def, boolean zeroOk) {
    Object v = m == null ? null : m.get(name);
    if (v == null) {
      return def;
    }
    String key = join(path, name);
    if (!(v instanceof String s)) {
      err(
          key,
          v,
          v instanceof Number ? "has no unit" : "is not a duration",
          "expected " + Durations.FORMS);
      return def;
    }
    Duration d;
    try {
      d = Durations.parse(s);
    } catch (IllegalArgumentException e) {
      err(key, v, "is not a duration", "expected " + Durations.FORMS);
      return def;
    }
    if (d.isNegative() || (!zeroOk && d.isZero())) {
      err(
          key,
          v,
          zeroOk ? "is negative" : "is not positive",
          "expected a duration " + (zeroOk ? ">= 0" : "> 0") + " such as 5s");
      return def;
    }
    return d;
  }

  <E> E choice(
      Map<String, Object> m,
      String path,
      String name,
      E def,
      Function<String, E> parse,
      String allowedNames) {
    Object v = m == null ? null : m.get(name);
    if (v == null) {
      return def;
    }
    E e = v instanceof String s ? parse.apply(s.trim()) : null;
    if (e == null) {
      err(join(path, name), v, "is not supported", "allowed: " + allowedNames);
      return def;
    }
    return e;
  }

  // ------------------------------------------------------------------ did you mean

  /** The closest allowed key (edit distance), or null when none is close. */
  static String suggest(String key, List<String> keys) {
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    for (String k : keys) {
      int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDist) {
        bestDist = d;
        best = k;
      }
    }
    int limit = Math.max(2, key.length() / 3);
    return bestDist <= limit ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
