package io.driftgate.core.tune;

import com.fasterxml.jackson.core.type.TypeReference;
import io.driftgate.core.spec.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A study: what to search, how, and within which budgets. Stored as {@code <study>/study.json}.
 *
 * @param name study name (informational)
 * @param space the parameters searched
 * @param algorithm grid or random
 * @param objective metric and direction
 * @param asha successive-halving early stopping, or null for none
 * @param maxTrials trial budget; 0 = the whole grid (required &gt; 0 for random search)
 * @param maxWallTime wall-time budget for the whole run, or null for none
 * @param parallelism trials run at once
 * @param trialTimeout longest a trial may run
 * @param heartbeatTimeout longest a trial may go without a heartbeat
 * @param seed seed for random search
 * @param baseParams fixed parameters given to every trial (search parameters override them)
 */
public record StudySpec(
    String name,
    SearchSpace space,
    Algorithm algorithm,
    Objective objective,
    Asha asha,
    int maxTrials,
    Duration maxWallTime,
    int parallelism,
    Duration trialTimeout,
    Duration heartbeatTimeout,
    long seed,
    Map<String, String> baseParams) {

  public static final Duration DEFAULT_TRIAL_TIMEOUT = Duration.ofHours(2);
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofMinutes(5);

  public StudySpec {
    if (space == null) {
      throw new IllegalArgumentException("a study needs a search space");
    }
    name = name == null ? "study" : name;
    algorithm = algorithm == null ? Algorithm.GRID : algorithm;
    objective = objective == null ? Objective.DEFAULT : objective;
    trialTimeout = trialTimeout == null ? DEFAULT_TRIAL_TIMEOUT : trialTimeout;
    heartbeatTimeout = heartbeatTimeout == null ? DEFAULT_HEARTBEAT_TIMEOUT : heartbeatTimeout;
    baseParams = baseParams == null ? Map.of() : Map.copyOf(baseParams);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    if (maxTrials < 0) {
      throw new IllegalArgumentException("maxTrials must be >= 0, got " + maxTrials);
    }
    if (algorithm == Algorithm.RANDOM && maxTrials == 0) {
      throw new IllegalArgumentException("random search needs maxTrials > 0");
    }
    if (algorithm == Algorithm.GRID) {
      space.gridSize(); // fails early for continuous parameters without grid points
    }
    if (trialTimeout.isNegative()
        || trialTimeout.isZero()
        || heartbeatTimeout.isNegative()
        || heartbeatTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  public static Builder builder(SearchSpace space) {
    return new Builder(space);
  }

  /** Number of trials the study plans. */
  public int trialCount() {
    if (algorithm == Algorithm.RANDOM) {
      return maxTrials;
    }
    long grid = space.gridSize();
    return (int) (maxTrials == 0 ? grid : Math.min(grid, maxTrials));
  }

  /** Parameters of trial {@code index}: base params overridden by the search point. */
  public Map<String, String> paramsFor(int index) {
    Map<String, String> out = new LinkedHashMap<>(new java.util.TreeMap<>(baseParams));
    Map<String, String> point =
        algorithm == Algorithm.GRID ? space.gridPoint(index) : space.sample(seed, index);
    point.forEach(
        (k, v) -> {
          out.remove(k);
          out.put(k, v);
        });
    return out;
  }

  /** The study.json form. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("algorithm", algorithm.name().toLowerCase(java.util.Locale.ROOT));
    m.put(
        "objective",
        Map.of(
            "name", objective.name(),
            "direction", objective.direction().name().toLowerCase(java.util.Locale.ROOT)));
    if (asha != null) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("minEpochs", asha.minEpochs());
      a.put("eta", asha.eta());
      a.put("maxEpochs", asha.maxEpochs());
      m.put("asha", a);
    }
    m.put("maxTrials", maxTrials);
    if (maxWallTime != null) {
      m.put("maxWallTime", maxWallTime.toString());
    }
    m.put("parallelism", parallelism);
    m.put("trialTimeout", trialTimeout.toString());
    m.put("heartbeatTimeout", heartbeatTimeout.toString());
    m.put("seed", seed);
    m.put("baseParams", new java.util.TreeMap<>(baseParams));
    m.put("space", space.toMap());
    return m;
  }

  /**
   * Parses the study.json / YAML form: {@code space} (required), {@code algorithm} (grid | random),
   * {@code objective} ({@code {name, direction}} or a metric name, with optional top-level {@code
   * direction}), {@code asha} ({@code {minEpochs, eta, maxEpochs}}), {@code maxTrials}, {@code
   * maxWallTime}, {@code parallelism}, {@code trialTimeout}, {@code heartbeatTimeout} (durations
   * such as {@code 30s} or ISO-8601), {@code seed}, {@code baseParams}.
   */
  @SuppressWarnings("unchecked")
  public static StudySpec fromMap(Map<String, ?> m) {
    Object spaceObj = m.get("space");
    if (!(spaceObj instanceof Map<?, ?> spaceMap)) {
      throw new IllegalArgumentException("study needs a 'space' map");
    }
    Builder b = builder(SearchSpace.fromMap((Map<String, ?>) spaceMap));
    if (m.get("name") != null) {
      b.name(m.get("name").toString());
    }
    if (m.get("algorithm") != null) {
      b.algorithm(Algorithm.parse(m.get("algorithm").toString()));
    }
    Object obj = m.get("objective");
    if (obj instanceof Map<?, ?> om) {
      Object dir = om.get("direction");
      b.objective(
          new Objective(
              String.valueOf(om.get("name")),
              dir == null ? null : Objective.Direction.parse(dir.toString())));
    } else if (obj != null) {
      Object dir = m.get("direction");
      b.objective(
          new Objective(
              obj.toString(), dir == null ? null : Objective.Direction.parse(dir.toString())));
    }
    if (m.get("asha") instanceof Map<?, ?> a) {
      b.asha(
          new Asha(
              intOf(a.get("minEpochs"), 1), intOf(a.get("eta"), 3), intOf(a.get("maxEpochs"), 0)));
    }
    b.maxTrials(intOf(m.get("maxTrials"), 0));
    if (m.get("maxWallTime") != null) {
      b.maxWallTime(Durations.parse(m.get("maxWallTime").toString()));
    }
    b.parallelism(intOf(m.get("parallelism"), 1));
    if (m.get("trialTimeout") != null) {
      b.trialTimeout(Durations.parse(m.get("trialTimeout").toString()));
    }
    if (m.get("heartbeatTimeout") != null) {
      b.heartbeatTimeout(Durations.parse(m.get("heartbeatTimeout").toString()));
    }
    if (m.get("seed") != null) {
      b.seed(((Number) toNumber(m.get("seed"))).longValue());
    }
    if (m.get("baseParams") instanceof Map<?, ?> bp) {
      Map<String, String> base = new LinkedHashMap<>();
      bp.forEach((k, v) -> base.put(k.toString(), ParamSpec.valueText(v)));
      b.baseParams(base);
    }
    return b.build();
  }

  public static StudySpec fromJson(String json) {
    try {
      return fromMap(StudyFiles.JSON.readValue(json, new TypeReference<Map<String, Object>>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String toJson() {
    try {
      return StudyFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toMap());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int intOf(Object o, int dflt) {
    return o == null ? dflt : toNumber(o).intValue();
  }

  private static Number toNumber(Object o) {
    if (o instanceof Number n) {
      return n;
    }
    return Double.valueOf(o.toString().trim()).longValue();
  }

  /** Builder with defaults: grid, val_loss minimised, parallelism 1, seed 42. */
  public static final class Builder {
    private final SearchSpace space;
    private String name = "study";
    private Algorithm algorithm = Algorithm.GRID;
    private Objective objective = Objective.DEFAULT;
    private Asha asha;
    private int maxTrials;
    private Duration maxWallTime;
    private int parallelism = 1;
    private Duration trialTimeout = DEFAULT_TRIAL_TIMEOUT;
    private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
    private long seed = 42L;
    private Map<String, String> baseParams = Map.of();

    private Builder(SearchSpace space) {
      this.space = space;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder algorithm(Algorithm v) {
      algorithm = v;
      return this;
    }

    public Builder objective(Objective v) {
      objective = v;
      return this;
    }

    public Builder asha(Asha v) {
      asha = v;
      return this;
    }

    public Builder maxTrials(int v) {
      maxTrials = v;
      return this;
    }

    public Builder maxWallTime(Duration v) {
      maxWallTime = v;
      return this;
    }

    public Builder parallelism(int v) {
      parallelism = v;
      return this;
    }

    public Builder trialTimeout(Duration v) {
      trialTimeout = v;
      return this;
    }

    public Builder heartbeatTimeout(Duration v) {
      heartbeatTimeout = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder baseParams(Map<String, String> v) {
      baseParams = v;
      return this;
    }

    public StudySpec build() {
      return new StudySpec(
          name,
          space,
          algorithm,
          objective,
          asha,
          maxTrials,
          maxWallTime,
          parallelism,
          trialTimeout,
          heartbeatTimeout,
          seed,
          baseParams);
    }
  }
}
