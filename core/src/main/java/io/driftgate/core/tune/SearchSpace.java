package io.driftgate.core.tune;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An ordered set of named {@link ParamSpec parameters}. Grid points are enumerated with the first
 * parameter outermost (the last one varies fastest); random points are derived from (seed, trial
 * index) only, so trial {@code i} always gets the same parameters.
 */
public final class SearchSpace {
  private final Map<String, ParamSpec> params;

  private SearchSpace(Map<String, ParamSpec> params) {
    if (params.isEmpty()) {
      throw new IllegalArgumentException("a search space needs at least one parameter");
    }
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public static SearchSpace of(Map<String, ParamSpec> params) {
    return new SearchSpace(params);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One of the given values (numbers or strings). */
  public static ParamSpec choice(Object... values) {
    return new ParamSpec.Choice(Arrays.stream(values).map(ParamSpec::valueText).toList());
  }

  public static ParamSpec uniform(double lo, double hi) {
    return new ParamSpec.Uniform(lo, hi, 0);
  }

  /** Uniform in [lo, hi] with {@code points} evenly spaced grid points. */
  public static ParamSpec uniform(double lo, double hi, int points) {
    return new ParamSpec.Uniform(lo, hi, points);
  }

  public static ParamSpec logUniform(double lo, double hi) {
    return new ParamSpec.LogUniform(lo, hi, 0);
  }

  /** Log-uniform in [lo, hi] with {@code points} geometrically spaced grid points. */
  public static ParamSpec logUniform(double lo, double hi, int points) {
    return new ParamSpec.LogUniform(lo, hi, points);
  }

  public static ParamSpec intRange(long lo, long hi, long step) {
    return new ParamSpec.IntRange(lo, hi, step);
  }

  public Map<String, ParamSpec> params() {
    return params;
  }

  /** Number of grid points (product of the parameters' grid sizes). */
  public long gridSize() {
    long n = 1;
    for (ParamSpec p : params.values()) {
      n = Math.multiplyExact(n, p.gridValues().size());
    }
    return n;
  }

  /** The grid point with the given index (0-based, first parameter outermost). */
  public Map<String, String> gridPoint(long index) {
    long size = gridSize();
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("grid point " + index + " of " + size);
    }
    List<String> names = new ArrayList<>(params.keySet());
    String[] values = new String[names.size()];
    long rest = index;
    for (int k = names.size() - 1; k >= 0; k--) {
      List<String> vs = params.get(names.get(k)).gridValues();
      values[k] = vs.get((int) (rest % vs.size()));
      rest /= vs.size();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int k = 0; k < names.size(); k++) {
      out.put(names.get(k), values[k]);
    }
    return out;
  }

  public List<Map<String, String>> grid() {
    long size = gridSize();
    List<Map<String, String>> out = new ArrayList<>();
    for (long i = 0; i < size; i++) {
      out.add(gridPoint(i));
    }
    return out;
  }

  /** The random point of trial {@code index}: a function of (seed, index) only. */
  public Map<String, String> sample(long seed, int index) {
    Random random = new Random(mix(seed, index));
    Map<String, String> out = new LinkedHashMap<>();
    params.forEach((name, p) -> out.put(name, p.sample(random)));
    return out;
  }

  /** Parses {@code {name: [values] | {type: ..., ...}}}; see {@link ParamSpec#fromObject}. */
  public static SearchSpace fromMap(Map<String, ?> map) {
    if (map == null || map.isEmpty()) {
      throw new IllegalArgumentException("a search space needs at least one parameter");
    }
    Map<String, ParamSpec> out = new LinkedHashMap<>();
    map.forEach((name, v) -> out.put(name, ParamSpec.fromObject(name, v)));
    return new SearchSpace(out);
  }

  public static SearchSpace fromJson(String json) {
    try {
      return fromMap(StudyFiles.JSON.readValue(json, new TypeReference<Map<String, Object>>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    params.forEach((name, p) -> out.put(name, p.toMap()));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SearchSpace s && s.params.equals(params);
  }

  @Override
  public int hashCode() {
    return params.hashCode();
  }

  @Override
  public String toString() {
    return "SearchSpace" + params;
  }

  /** SplitMix64 finalizer over (seed, index): independent streams per trial. */
  static long mix(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + (index + 1L) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Builds a space with parameters in insertion order. */
  public static final class Builder {
    private final Map<String, ParamSpec> params = new LinkedHashMap<>();

    public Builder add(String name, ParamSpec spec) {
      if (params.putIfAbsent(name, spec) != null) {
        throw new IllegalArgumentException("duplicate parameter " + name);
      }
      return this;
    }

    public SearchSpace build() {
      return new SearchSpace(params);
    }
  }
}
