package io.driftgate.gate;

import io.driftgate.core.gate.GateConfig;
import io.driftgate.core.gate.RankPolicy;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link GateRunner#run} judges: a challenger model directory against an optional champion on
 * the newest validation data of a lake, read at one lake snapshot (by default the challenger's
 * training snapshot, so the gate sees exactly the rows the challenger was validated on). Build with
 * {@link #builder()} (DJL style: {@code set*} for required values, {@code opt*} for optional ones).
 */
public final class GateRequest {
  /** How the SHAP background is summarized. */
  public enum BackgroundMethod {
    KMEANS,
    SAMPLE
  }

  private final Path specFile;
  private final Path lake;
  private final Long snapshotId;
  private final String metadataLocation;
  private final Path challengerDir;
  private final Path championDir;
  private final Long fromMillis;
  private final Long toMillis;
  private final int explainPoints;
  private final int backgroundSize;
  private final BackgroundMethod backgroundMethod;
  private final long seed;
  private final long secondSeed;
  private final GateConfig policy;
  private final TriggerEvidence trigger;

  private GateRequest(Builder b) {
    this.specFile = Objects.requireNonNull(b.specFile, "spec file (setSpec)");
    this.lake = b.lake;
    this.snapshotId = b.snapshotId;
    this.metadataLocation =
        b.metadataLocation == null || b.metadataLocation.isBlank() ? null : b.metadataLocation;
    this.challengerDir = Objects.requireNonNull(b.challengerDir, "challenger (setChallenger)");
    this.championDir = b.championDir;
    this.fromMillis = b.fromMillis;
    this.toMillis = b.toMillis;
    this.explainPoints = b.explainPoints;
    this.backgroundSize = b.backgroundSize;
    this.backgroundMethod = b.backgroundMethod;
    this.seed = b.seed;
    this.secondSeed = b.secondSeed == null ? b.seed + 1 : b.secondSeed;
    this.policy = b.policy.build();
    this.trigger = b.trigger;
    if (explainPoints < 2 || backgroundSize < 1) {
      throw new IllegalArgumentException("need explainPoints >= 2 and backgroundSize >= 1");
    }
    if ((fromMillis == null) != (toMillis == null)) {
      throw new IllegalArgumentException("give both ends of the validation range or neither");
    }
    if (secondSeed == seed) {
      throw new IllegalArgumentException("the second SHAP seed must differ from the first");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder with these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.specFile = specFile;
    b.lake = lake;
    b.snapshotId = snapshotId;
    b.metadataLocation = metadataLocation;
    b.challengerDir = challengerDir;
    b.championDir = championDir;
    b.fromMillis = fromMillis;
    b.toMillis = toMillis;
    b.explainPoints = explainPoints;
    b.backgroundSize = backgroundSize;
    b.backgroundMethod = backgroundMethod;
    b.seed = seed;
    b.secondSeed = secondSeed;
    b.policy = policy.toBuilder();
    b.trigger = trigger;
    return b;
  }

  /** What triggered the gated run (the report links to its drift evidence), or null. */
  public TriggerEvidence trigger() {
    return trigger;
  }

  public Path specFile() {
    return specFile;
  }

  /** Lake root, or null for the spec's {@code lake.path}. */
  public Path lake() {
    return lake;
  }

  /**
   * The lake snapshot (records table) to read, or null for the challenger's training snapshot (its
   * {@code training.json} {@code lake.snapshotId}), else the current one.
   */
  public Long snapshotId() {
    return snapshotId;
  }

  /** The records table's metadata file to read without the catalog, or null for the catalog. */
  public String metadataLocation() {
    return metadataLocation;
  }

  public Path challengerDir() {
    return challengerDir;
  }

  /** Champion model directory, or null when there is none. */
  public Path championDir() {
    return championDir;
  }

  /** Explicit validation range start, or null for the challenger's validation range. */
  public Long fromMillis() {
    return fromMillis;
  }

  public Long toMillis() {
    return toMillis;
  }

  public int explainPoints() {
    return explainPoints;
  }

  public int backgroundSize() {
    return backgroundSize;
  }

  public BackgroundMethod backgroundMethod() {
    return backgroundMethod;
  }

  public long seed() {
    return seed;
  }

  public long secondSeed() {
    return secondSeed;
  }

  /**
   * The gate policy this request sets (the thresholds, rank policy, bootstrap resamples and
   * additivity tolerance): the {@link GateConfig} the spec's {@code gate} section is applied onto
   * ({@link GateRunner#config}).
   */
  public GateConfig policy() {
    return policy;
  }

  /**
   * Builder; defaults: 200 explained points, k-means background of 32, seeds 7 and 8, 2000
   * bootstrap resamples, rank policy WARN (concept drift legitimately reorders importances; {@code
   * FAIL} blocks promotion on a rank or seed stability failure).
   */
  public static final class Builder {
    private Path specFile;
    private Path lake;
    private Long snapshotId;
    private String metadataLocation;
    private Path challengerDir;
    private Path championDir;
    private Long fromMillis;
    private Long toMillis;
    private int explainPoints = 200;
    private int backgroundSize = 32;
    private BackgroundMethod backgroundMethod = BackgroundMethod.KMEANS;
    private long seed = 7;
    private Long secondSeed;
    private GateConfig.Builder policy =
        GateConfig.builder().bootstrapResamples(2000).rankPolicy(RankPolicy.WARN);
    private TriggerEvidence trigger;

    private Builder() {}

    public Builder setSpec(Path specFile) {
      this.specFile = specFile;
      return this;
    }

    public Builder setChallenger(Path dir) {
      this.challengerDir = dir;
      return this;
    }

    public Builder optLake(Path lake) {
      this.lake = lake;
      return this;
    }

    /**
     * The lake snapshot to read; null (the default) reads the challenger's training snapshot, or
     * the current one when its training.json names none.
     */
    public Builder optSnapshot(Long snapshotId) {
      this.snapshotId = snapshotId;
      return this;
    }

    /** Reads the records table from this metadata file, without the catalog. */
    public Builder optMetadataLocation(String metadataLocation) {
      this.metadataLocation = metadataLocation;
      return this;
    }

    public Builder optChampion(Path dir) {
      this.championDir = dir;
      return this;
    }

    /** Validation rows with event time in {@code [from, to)} instead of the challenger's. */
    public Builder optRange(long fromMillis, long toMillis) {
      this.fromMillis = fromMillis;
      this.toMillis = toMillis;
      return this;
    }

    public Builder optExplainPoints(int n) {
      this.explainPoints = n;
      return this;
    }

    public Builder optBackground(BackgroundMethod method, int size) {
      this.backgroundMethod = Objects.requireNonNull(method, "method");
      this.backgroundSize = size;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optSecondSeed(long seed) {
      this.secondSeed = seed;
      return this;
    }

    public Builder optBootstrapResamples(int n) {
      policy.bootstrapResamples(n);
      return this;
    }

    public Builder optRankPolicy(RankPolicy p) {
      policy.rankPolicy(Objects.requireNonNull(p, "rankPolicy"));
      return this;
    }

    public Builder optMinNdcg(double v) {
      policy.minNdcg(v);
      return this;
    }

    public Builder optMinKendallTau(double v) {
      policy.minKendallTau(v);
      return this;
    }

    public Builder optAdditivityTolerance(double v) {
      policy.additivityTolerance(v);
      return this;
    }

    public Builder optMaxForbiddenShare(double v) {
      policy.maxForbiddenShare(v);
      return this;
    }

    /** What triggered the gated run, for the report's link to its drift evidence. */
    public Builder optTrigger(TriggerEvidence t) {
      this.trigger = t;
      return this;
    }

    public GateRequest build() {
      return new GateRequest(this);
    }
  }
}
