package io.driftgate.launcher;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link LauncherFactory} assembles a launcher from: the spec file (its {@code launcher}
 * section chooses the backend and the run policy, its {@code gate} section the gate's checks) and
 * the few settings a command line may override. Immutable; build with {@link #builder(Path)}.
 */
public final class LauncherOptions {
  /** Study and gate seed when none is given. */
  public static final long DEFAULT_SEED = 42;

  /** -Xmx of each local trial JVM. */
  public static final String DEFAULT_TRIAL_HEAP = "1g";

  /**
   * The local gate's paired bootstrap resamples and SHAP points: the gate's own defaults, which the
   * Kubernetes backend's gate pods use too (the spec has no key for them).
   */
  public static final int DEFAULT_BOOTSTRAP_RESAMPLES = 2000;

  public static final int DEFAULT_EXPLAIN_POINTS = 200;

  private final Path specFile;
  private final ModelSpec spec;
  private final LauncherConfig.Backend backend;
  private final JdbcModelRegistry registry;
  private final Path studiesDir;
  private final Path gateReportsDir;
  private final Map<String, List<String>> grid;
  private final Map<String, String> params;
  private final Integer parallelism;
  private final long seed;
  private final String trialHeap;
  private final int bootstrapResamples;
  private final int explainPoints;
  private final Clock clock;

  private LauncherOptions(Builder b) {
    this.specFile = b.specFile;
    this.spec = b.spec;
    this.backend = b.backend;
    this.registry = b.registry;
    this.studiesDir = b.studiesDir;
    this.gateReportsDir = b.gateReportsDir;
    this.grid = Map.copyOf(b.grid);
    this.params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
    this.parallelism = b.parallelism;
    this.seed = b.seed;
    this.trialHeap = b.trialHeap;
    this.bootstrapResamples = b.bootstrapResamples;
    this.explainPoints = b.explainPoints;
    this.clock = b.clock;
  }

  /** Options for the model spec at {@code specFile}. */
  public static Builder builder(Path specFile) {
    return new Builder(specFile);
  }

  public Path specFile() {
    return specFile;
  }

  /**
   * The spec as the caller loaded it (with its overrides, such as a command line's lake and
   * bootstrap servers); null: the factory loads {@link #specFile()}.
   */
  public ModelSpec spec() {
    return spec;
  }

  /** The backend that overrides the spec's {@code launcher.backend}; null: the spec's. */
  public LauncherConfig.Backend backend() {
    return backend;
  }

  /** The registry the launcher promotes into; null: the spec's state database and artifacts. */
  public JdbcModelRegistry registry() {
    return registry;
  }

  /** Local backend: where tuning studies go. */
  public Path studiesDir() {
    return studiesDir;
  }

  /** Local backend: where the gate's HTML reports go. */
  public Path gateReportsDir() {
    return gateReportsDir;
  }

  /**
   * Local backend: searched parameters over the spec's {@code launcher.grid}; empty: the spec's.
   */
  public Map<String, List<String>> grid() {
    return grid;
  }

  /** Local backend: training parameters over the spec's {@code launcher.params}. */
  public Map<String, String> params() {
    return params;
  }

  /** Local backend: trials at once; null: the spec's {@code launcher.parallelism}. */
  public Integer parallelism() {
    return parallelism;
  }

  public long seed() {
    return seed;
  }

  public String trialHeap() {
    return trialHeap;
  }

  public int bootstrapResamples() {
    return bootstrapResamples;
  }

  public int explainPoints() {
    return explainPoints;
  }

  public Clock clock() {
    return clock;
  }

  /** Builds {@link LauncherOptions}; every setting but the spec file has a default. */
  public static final class Builder {
    private final Path specFile;
    private ModelSpec spec;
    private LauncherConfig.Backend backend;
    private JdbcModelRegistry registry;
    private Path studiesDir;
    private Path gateReportsDir;
    private Map<String, List<String>> grid = Map.of();
    private Map<String, String> params = Map.of();
    private Integer parallelism;
    private long seed = DEFAULT_SEED;
    private String trialHeap = DEFAULT_TRIAL_HEAP;
    private int bootstrapResamples = DEFAULT_BOOTSTRAP_RESAMPLES;
    private int explainPoints = DEFAULT_EXPLAIN_POINTS;
    private Clock clock = Clock.systemUTC();

    private Builder(Path specFile) {
      this.specFile = Objects.requireNonNull(specFile, "specFile");
    }

    /** The loaded spec, overrides applied; its file stays {@code specFile} (trials read it). */
    public Builder spec(ModelSpec spec) {
      this.spec = spec;
      return this;
    }

    public Builder backend(LauncherConfig.Backend backend) {
      this.backend = backend;
      return this;
    }

    public Builder registry(JdbcModelRegistry registry) {
      this.registry = registry;
      return this;
    }

    /** Local backend: studies and gate reports; both default to the lake's siblings. */
    public Builder localDirs(Path studiesDir, Path gateReportsDir) {
      this.studiesDir = studiesDir;
      this.gateReportsDir = gateReportsDir;
      return this;
    }

    public Builder grid(Map<String, List<String>> grid) {
      this.grid = grid == null ? Map.of() : grid;
      return this;
    }

    public Builder params(Map<String, String> params) {
      this.params = params == null ? Map.of() : params;
      return this;
    }

    public Builder parallelism(Integer parallelism) {
      if (parallelism != null && parallelism < 1) {
        throw new IllegalArgumentException(
            "parallelism " + parallelism + ": trials at once must be at least 1");
      }
      this.parallelism = parallelism;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder trialHeap(String trialHeap) {
      this.trialHeap = Objects.requireNonNull(trialHeap, "trialHeap");
      return this;
    }

    /** The local gate's bootstrap resamples and SHAP points (the gate refuses < 1 and < 2). */
    public Builder gateEffort(int bootstrapResamples, int explainPoints) {
      if (bootstrapResamples < 1 || explainPoints < 2) {
        throw new IllegalArgumentException(
            "gate effort "
                + bootstrapResamples
                + " resamples, "
                + explainPoints
                + " SHAP points: need at least 1 resample and 2 points");
      }
      this.bootstrapResamples = bootstrapResamples;
      this.explainPoints = explainPoints;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public LauncherOptions build() {
      return new LauncherOptions(this);
    }
  }
}
