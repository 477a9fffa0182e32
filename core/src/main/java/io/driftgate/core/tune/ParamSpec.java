package io.driftgate.core.tune;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One tunable parameter of a {@link SearchSpace}. Values are strings (a trial's {@code params.json}
 * is a string/number map); numbers are written with at most 12 significant digits so that grid
 * points read as {@code 0.3}, not {@code 0.30000000000000004}.
 */
public sealed interface ParamSpec
    permits ParamSpec.Choice, ParamSpec.Uniform, ParamSpec.LogUniform, ParamSpec.IntRange {

  /** A value drawn at random (for random search). */
  String sample(Random random);

  /**
   * The grid points of this parameter, in order (for grid search).
   *
   * @throws IllegalStateException when a continuous parameter has no grid points
   */
  List<String> gridValues();

  /** The JSON/YAML form read back by {@link #fromObject(String, Object)}. */
  Map<String, Object> toMap();

  /** One of the listed values. */
  record Choice(List<String> values) implements ParamSpec {
    public Choice {
      if (values == null || values.isEmpty()) {
        throw new IllegalArgumentException("choice needs at least one value");
      }
      values = List.copyOf(values);
    }

    @Override
    public String sample(Random random) {
      return values.get(random.nextInt(values.size()));
    }

    @Override
    public List<String> gridValues() {
      return values;
    }

    @Override
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "choice");
      m.put("values", values);
      return m;
    }
  }

  /**
   * Uniform in [lo, hi]; {@code points} evenly spaced grid points (0: not griddable).
   *
   * @param lo lower bound
   * @param hi upper bound
   * @param points grid points for grid search, 0 when none
   */
  record Uniform(double lo, double hi, int points) implements ParamSpec {
    public Uniform {
      checkBounds(lo, hi, points, false);
    }

    @Override
    public String sample(Random random) {
      return format(lo + (hi - lo) * random.nextDouble());
    }

    @Override
    public List<String> gridValues() {
      requirePoints(points);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < points; i++) {
        out.add(format(points == 1 ? lo : lo + (hi - lo) * i / (points - 1)));
      }
      return out;
    }

    @Override
    public Map<String, Object> toMap() {
      return rangeMap("uniform", lo, hi, points);
    }
  }

  /** Log-uniform in [lo, hi] (both &gt; 0); {@code points} geometric grid points (0: none). */
  record LogUniform(double lo, double hi, int points) implements ParamSpec {
    public LogUniform {
      checkBounds(lo, hi, points, true);
    }

    @Override
    public String sample(Random random) {
      return format(Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * random.nextDouble()));
    }

    @Override
    public List<String> gridValues() {
      requirePoints(points);
      List<String> out = new ArrayList<>();
      double a = Math.log(lo);
      double b = Math.log(hi);
      for (int i = 0; i < points; i++) {
        out.add(format(points == 1 ? lo : Math.exp(a + (b - a) * i / (points - 1))));
      }
      return out;
    }

    @Override
    public Map<String, Object> toMap() {
      return rangeMap("logUniform", lo, hi, points);
    }
  }

  /** Integers lo, lo+step, ... up to hi (inclusive). */
  record IntRange(long lo, long hi, long step) implements ParamSpec {
    public IntRange {
      if (step <= 0 || hi < lo) {
        throw new IllegalArgumentException(
            "intRange needs lo <= hi and step > 0, got " + lo + ".." + hi + " step " + step);
      }
    }

    long size() {
      return (hi - lo) / step + 1;
    }

    @Override
    public String sample(Random random) {
      long n = size();
      return Long.toString(lo + step * (long) Math.floor(random.nextDouble() * n));
    }

    @Override
    public List<String> gridValues() {
      List<String> out = new ArrayList<>();
      for (long v = lo; v <= hi; v += step) {
        out.add(Long.toString(v));
      }
      return out;
    }

    @Override
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "intRange");
      m.put("min", lo);
      m.put("max", hi);
      m.put("step", step);
      return m;
    }
  }

  /**
   * Parses one parameter: a list (a choice), a scalar (a choice of one), or a map with {@code type}
   * = {@code choice} ({@code values}), {@code uniform} / {@code logUniform} ({@code min}, {@code
   * max}, optional {@code points}) or {@code int}/{@code intRange} ({@code min}, {@code max},
   * optional {@code step}). A map with {@code values} and no type is a choice.
   */
  static ParamSpec fromObject(String name, Object o) {
    try {
      if (o instanceof List<?> list) {
        return new Choice(list.stream().map(ParamSpec::valueText).toList());
      }
      if (!(o instanceof Map<?, ?> map)) {
        if (o == null) {
          throw new IllegalArgumentException("no value");
        }
        return new Choice(List.of(valueText(o)));
      }
      Object type = map.get("type");
      String t = type == null ? (map.containsKey("values") ? "choice" : "") : type.toString();
      switch (t.toLowerCase(java.util.Locale.ROOT).replace("_", "").replace("-", "")) {
        case "choice", "categorical", "grid":
          if (!(map.get("values") instanceof List<?> values)) {
            throw new IllegalArgumentException("choice needs a list 'values'");
          }
          return new Choice(values.stream().map(ParamSpec::valueText).toList());
        case "uniform", "double", "float":
          return new Uniform(num(map, "min"), num(map, "max"), points(map));
        case "loguniform", "log":
          return new LogUniform(num(map, "min"), num(map, "max"), points(map));
        case "int", "intrange", "integer":
          Object step = map.get("step");
          return new IntRange(
              (long) num(map, "min"),
              (long) num(map, "max"),
              step == null ? 1L : (long) toDouble("step", step));
        default:
          throw new IllegalArgumentException(
              "unknown type '" + t + "' (choice, uniform, logUniform, intRange)");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter " + name + ": " + e.getMessage(), e);
    }
  }

  /** Text of a choice value: numbers without float noise, everything else as is. */
  static String valueText(Object v) {
    if (v == null) {
      throw new IllegalArgumentException("null value");
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      return format(((Number) v).doubleValue());
    }
    return v.toString();
  }

  /** A double with at most 12 significant digits, plain notation, no trailing zeros. */
  static String format(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == 0.0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(12)).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  private static void checkBounds(double lo, double hi, int points, boolean log) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || hi < lo) {
      throw new IllegalArgumentException("needs finite lo <= hi, got " + lo + ".." + hi);
    }
    if (log && lo <= 0) {
      throw new IllegalArgumentException("logUniform needs lo > 0, got " + lo);
    }
    if (points < 0) {
      throw new IllegalArgumentException("points must be >= 0, got " + points);
    }
  }

  private static void requirePoints(int points) {
    if (points <= 0) {
      throw new IllegalStateException(
          "a continuous parameter needs 'points' for grid search (or use random search)");
    }
  }

  private static Map<String, Object> rangeMap(String type, double lo, double hi, int points) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("min", lo);
    m.put("max", hi);
    if (points > 0) {
      m.put("points", points);
    }
    return m;
  }

  private static double num(Map<?, ?> map, String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing '" + key + "'");
    }
    return toDouble(key, v);
  }

  private static int points(Map<?, ?> map) {
    Object v = map.get("points");
    return v == null ? 0 : (int) toDouble("points", v);
  }

  private static double toDouble(String key, Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + key + "' is not a number: " + v, e);
    }
  }
}
