package io.driftgate.trainer;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to train: build with {@link #builder()}; {@code setX} calls are required, {@code optX} ones
 * optional.
 */
public final class TrainRequest {
  private final Path specFile;
  private final Path lakeRoot;
  private final Long snapshotId;
  private final String metadataLocation;
  private final long fromMillis;
  private final long toMillis;
  private final Path outputDir;
  private final Map<String, String> params;
  private final Long seed;
  private final EpochListener listener;
  private final ModelFactory modelFactory;

  private TrainRequest(Builder b) {
    this.specFile = Objects.requireNonNull(b.specFile, "setSpec is required");
    this.metadataLocation =
        b.metadataLocation == null || b.metadataLocation.isBlank() ? null : b.metadataLocation;
    this.lakeRoot =
        metadataLocation == null
            ? Objects.requireNonNull(b.lakeRoot, "setLake is required")
            : b.lakeRoot;
    this.snapshotId = b.snapshotId;
    if (b.fromMillis == null || b.toMillis == null) {
      throw new NullPointerException("setRange is required");
    }
    this.fromMillis = b.fromMillis;
    this.toMillis = b.toMillis;
    if (toMillis <= fromMillis) {
      throw new IllegalArgumentException("range must satisfy from < to");
    }
    this.outputDir = Objects.requireNonNull(b.outputDir, "setOutputDir is required");
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
    this.seed = b.seed;
    this.listener = b.listener;
    this.modelFactory = b.modelFactory == null ? ModelFactory.defaults() : b.modelFactory;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Path specFile() {
    return specFile;
  }

  /** The lake root directory; null only when the lake is read from {@link #metadataLocation}. */
  public Path lakeRoot() {
    return lakeRoot;
  }

  /** The lake snapshot to train on, or null for the current one (resolved once, at the start). */
  public Long snapshotId() {
    return snapshotId;
  }

  /** The records table's metadata file to read without a catalog, or null to use the catalog. */
  public String metadataLocation() {
    return metadataLocation;
  }

  /** Inclusive start of the event-time range, epoch millis. */
  public long fromMillis() {
    return fromMillis;
  }

  /** Exclusive end of the event-time range, epoch millis. */
  public long toMillis() {
    return toMillis;
  }

  public Path outputDir() {
    return outputDir;
  }

  /** Overrides of the spec's training section (see {@link TrainParams}). */
  public Map<String, String> params() {
    return params;
  }

  /** The seed, when set; it wins over the spec and over a {@code seed} param. */
  public Long seed() {
    return seed;
  }

  /** The epoch callback, or null. */
  public EpochListener listener() {
    return listener;
  }

  public ModelFactory modelFactory() {
    return modelFactory;
  }

  /** Builder of {@link TrainRequest}. */
  public static final class Builder {
    private Path specFile;
    private Path lakeRoot;
    private Long snapshotId;
    private String metadataLocation;
    private Long fromMillis;
    private Long toMillis;
    private Path outputDir;
    private final Map<String, String> params = new LinkedHashMap<>();
    private Long seed;
    private EpochListener listener;
    private ModelFactory modelFactory;

    private Builder() {}

    /** The spec file (driftgate.yaml); copied into the model directory as {@code spec.yaml}. */
    public Builder setSpec(Path specFile) {
      this.specFile = specFile;
      return this;
    }

    /** The lake root directory. */
    public Builder setLake(Path lakeRoot) {
      this.lakeRoot = lakeRoot;
      return this;
    }

    /**
     * The snapshot of the lake's records table to read (see {@code driftgate lake}); null (the
     * default) reads the snapshot that is current when training starts.
     */
    public Builder optSnapshot(Long snapshotId) {
      this.snapshotId = snapshotId;
      return this;
    }

    /**
     * Reads the lake's records table straight from this metadata file, without the catalog (as a
     * training pod given the location by its retrain request does); {@code setLake} is then
     * optional.
     */
    public Builder optMetadataLocation(String metadataLocation) {
      this.metadataLocation = metadataLocation;
      return this;
    }

    /** Event-time range {@code [from, to)}, epoch millis. */
    public Builder setRange(long fromMillis, long toMillis) {
      this.fromMillis = fromMillis;
      this.toMillis = toMillis;
      return this;
    }

    /** Event-time range {@code [from, to)}. */
    public Builder setRange(Instant from, Instant to) {
      return setRange(from.toEpochMilli(), to.toEpochMilli());
    }

    /** The model directory to create; must not exist or be empty. */
    public Builder setOutputDir(Path outputDir) {
      this.outputDir = outputDir;
      return this;
    }

    /** Adds overrides of the spec's training section. */
    public Builder optParams(Map<String, String> params) {
      this.params.putAll(params);
      return this;
    }

    /** Adds one override, e.g. {@code optParam("lr", "0.01")}. */
    public Builder optParam(String key, String value) {
      this.params.put(key, value);
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optEpochListener(EpochListener listener) {
      this.listener = listener;
      return this;
    }

    /** Architectures to choose from (default {@link ModelFactory#defaults()}). */
    public Builder optModelFactory(ModelFactory modelFactory) {
      this.modelFactory = modelFactory;
      return this;
    }

    public TrainRequest build() {
      return new TrainRequest(this);
    }
  }
}
