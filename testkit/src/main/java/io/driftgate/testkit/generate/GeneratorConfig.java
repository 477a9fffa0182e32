package io.driftgate.testkit.generate;

import io.driftgate.core.wire.WireFormat;
import io.driftgate.schemas.ErrorKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** Immutable settings of a {@link FlightStreamGenerator}; build with {@link #builder()}. */
public final class GeneratorConfig {
  /** Malformed kinds produced by default. */
  public static final Set<ErrorKind> DEFAULT_MALFORMED_KINDS =
      Collections.unmodifiableSet(
          EnumSet.of(
              ErrorKind.CORRUPT_BYTES,
              ErrorKind.TRUNCATED,
              ErrorKind.UNKNOWN_SCHEMA,
              ErrorKind.MISSING_REQUIRED,
              ErrorKind.NON_FINITE,
              ErrorKind.OUT_OF_RANGE,
              ErrorKind.UNKNOWN_CATEGORY));

  /** Every kind the generator can produce (adds BAD_HEADER to the defaults). */
  public static final Set<ErrorKind> SUPPORTED_MALFORMED_KINDS;

  static {
    EnumSet<ErrorKind> s = EnumSet.copyOf(DEFAULT_MALFORMED_KINDS);
    s.add(ErrorKind.BAD_HEADER);
    SUPPORTED_MALFORMED_KINDS = Collections.unmodifiableSet(s);
  }

  /** 2024-01-01T00:00:00Z. */
  public static final long DEFAULT_START_TIME_MILLIS = 1_704_067_200_000L;

  private final long seed;
  private final long count;
  private final long startTimeMillis;
  private final long eventSpacingMillis;
  private final WireFormat format;
  private final double malformedFraction;
  private final Set<ErrorKind> malformedKinds;
  private final double v1Fraction;
  private final DriftConfig drift;
  private final long firstIndex;
  private final boolean labelsApart;

  private GeneratorConfig(Builder b) {
    this.seed = b.seed;
    this.count = b.count;
    this.startTimeMillis = b.startTimeMillis;
    this.eventSpacingMillis = b.eventSpacingMillis;
    this.format = Objects.requireNonNull(b.format, "format");
    this.malformedFraction = b.malformedFraction;
    this.malformedKinds = Collections.unmodifiableSet(EnumSet.copyOf(b.malformedKinds));
    this.v1Fraction = b.v1Fraction;
    this.drift = b.drift;
    this.firstIndex = b.firstIndex;
    this.labelsApart = b.labelsApart;
    if (firstIndex < 0) {
      throw new IllegalArgumentException("firstIndex must be >= 0: " + firstIndex);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    if (startTimeMillis < 0) {
      throw new IllegalArgumentException("startTimeMillis must be >= 0: " + startTimeMillis);
    }
    if (eventSpacingMillis < 0) {
      throw new IllegalArgumentException("eventSpacingMillis must be >= 0: " + eventSpacingMillis);
    }
    if (!(malformedFraction >= 0 && malformedFraction <= 1)) {
      throw new IllegalArgumentException(
          "malformedFraction must be in [0, 1]: " + malformedFraction);
    }
    if (!(v1Fraction >= 0 && v1Fraction <= 1)) {
      throw new IllegalArgumentException("v1Fraction must be in [0, 1]: " + v1Fraction);
    }
    if (malformedFraction > 0 && malformedKinds.isEmpty()) {
      throw new IllegalArgumentException("malformedFraction > 0 needs at least one malformed kind");
    }
    for (ErrorKind k : malformedKinds) {
      if (!SUPPORTED_MALFORMED_KINDS.contains(k)) {
        throw new IllegalArgumentException(
            "the generator cannot produce " + k + "; supported: " + SUPPORTED_MALFORMED_KINDS);
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .seed(seed)
        .count(count)
        .startTimeMillis(startTimeMillis)
        .eventSpacingMillis(eventSpacingMillis)
        .format(format)
        .malformedFraction(malformedFraction)
        .malformedKinds(malformedKinds)
        .v1Fraction(v1Fraction)
        .drift(drift)
        .firstIndex(firstIndex)
        .labelsApart(labelsApart);
  }

  public long seed() {
    return seed;
  }

  /** Number of records to generate. */
  public long count() {
    return count;
  }

  /** Event time of record 0 (before jitter). */
  public long startTimeMillis() {
    return startTimeMillis;
  }

  /** Mean gap between consecutive event times. */
  public long eventSpacingMillis() {
    return eventSpacingMillis;
  }

  public WireFormat format() {
    return format;
  }

  /** Share of records that are malformed on purpose. */
  public double malformedFraction() {
    return malformedFraction;
  }

  /** Kinds of malformed records, drawn uniformly (seeded) among them. */
  public Set<ErrorKind> malformedKinds() {
    return malformedKinds;
  }

  /** Share of records written with the version-1 schema (no {@code carrier}). */
  public double v1Fraction() {
    return v1Fraction;
  }

  /** The drift, or null for a stationary stream. */
  public DriftConfig drift() {
    return drift;
  }

  /**
   * Index of the first record: the stream is records {@code [firstIndex, firstIndex + count)} of
   * the seeded sequence, so a stream can be produced in parts (each record depends only on the seed
   * and its index).
   */
  public long firstIndex() {
    return firstIndex;
  }

  /**
   * Whether records go without their label ({@code delayed} null), as when labels arrive later on a
   * labels topic ({@link GeneratedRecord#label()} has it).
   */
  public boolean labelsApart() {
    return labelsApart;
  }

  @Override
  public String toString() {
    return "GeneratorConfig{seed="
        + seed
        + ", count="
        + count
        + ", startTimeMillis="
        + startTimeMillis
        + ", eventSpacingMillis="
        + eventSpacingMillis
        + ", format="
        + format
        + ", malformedFraction="
        + malformedFraction
        + ", malformedKinds="
        + malformedKinds
        + ", v1Fraction="
        + v1Fraction
        + ", drift="
        + drift
        + ", firstIndex="
        + firstIndex
        + ", labelsApart="
        + labelsApart
        + '}';
  }

  /** Builder with defaults: seed 42, 10000 records, 1 s spacing, single-object, 1% malformed. */
  public static final class Builder {
    private long seed = 42;
    private long count = 10_000;
    private long startTimeMillis = DEFAULT_START_TIME_MILLIS;
    private long eventSpacingMillis = 1_000;
    private WireFormat format = WireFormat.SINGLE_OBJECT;
    private double malformedFraction = 0.01;
    private Set<ErrorKind> malformedKinds = DEFAULT_MALFORMED_KINDS;
    private double v1Fraction = 0.0;
    private DriftConfig drift;
    private long firstIndex;
    private boolean labelsApart;

    private Builder() {}

    /** Records without their label (default false); see {@link GeneratorConfig#labelsApart()}. */
    public Builder labelsApart(boolean apart) {
      this.labelsApart = apart;
      return this;
    }

    /** First record index (default 0); see {@link GeneratorConfig#firstIndex()}. */
    public Builder firstIndex(long firstIndex) {
      this.firstIndex = firstIndex;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder count(long count) {
      this.count = count;
      return this;
    }

    public Builder startTimeMillis(long startTimeMillis) {
      this.startTimeMillis = startTimeMillis;
      return this;
    }

    public Builder eventSpacingMillis(long eventSpacingMillis) {
      this.eventSpacingMillis = eventSpacingMillis;
      return this;
    }

    public Builder format(WireFormat format) {
      this.format = format;
      return this;
    }

    public Builder malformedFraction(double malformedFraction) {
      this.malformedFraction = malformedFraction;
      return this;
    }

    public Builder malformedKinds(Set<ErrorKind> malformedKinds) {
      this.malformedKinds = EnumSet.noneOf(ErrorKind.class);
      this.malformedKinds.addAll(Objects.requireNonNull(malformedKinds, "malformedKinds"));
      return this;
    }

    public Builder v1Fraction(double v1Fraction) {
      this.v1Fraction = v1Fraction;
      return this;
    }

    /** Null for no drift. */
    public Builder drift(DriftConfig drift) {
      this.drift = drift;
      return this;
    }

    public GeneratorConfig build() {
      return new GeneratorConfig(this);
    }
  }
}
