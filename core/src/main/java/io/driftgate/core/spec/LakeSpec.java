package io.driftgate.core.spec;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how often the cleaned rows are committed ({@code lake}). The path is held as a string
 * so that the spec stays {@link Serializable}.
 */
public final class LakeSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_COMMIT_MAX_RECORDS = 50_000;

  private final String path;
  private final Duration commitInterval;
  private final int commitMaxRecords;
  private final io.driftgate.core.lake.LakeCatalog catalog;

  public LakeSpec(Path path, Duration commitInterval, int commitMaxRecords) {
    this(path, commitInterval, commitMaxRecords, null);
  }

  /**
   * @param path root directory of this model's lake table
   * @param commitInterval commit at least this often (default 5s)
   * @param commitMaxRecords commit when this many rows are pending (default 50000)
   * @param catalog the Iceberg catalog ({@code lake.catalog}); null for the embedded SQLite one
   *     under {@code path}
   */
  public LakeSpec(
      Path path,
      Duration commitInterval,
      int commitMaxRecords,
      io.driftgate.core.lake.LakeCatalog catalog) {
    this.catalog = catalog;
    this.path = Objects.requireNonNull(path, "path").toString();
    this.commitInterval = Objects.requireNonNull(commitInterval, "commitInterval");
    this.commitMaxRecords = commitMaxRecords;
  }

  public Path path() {
    return Path.of(path);
  }

  /** The lake's Iceberg catalog: the configured one, or the embedded one under {@link #path}. */
  public io.driftgate.core.lake.LakeCatalog catalog() {
    return catalog != null ? catalog : io.driftgate.core.lake.LakeCatalog.embedded(path());
  }

  /** True when {@code lake.catalog} is set (the lake path then only holds local state). */
  public boolean hasConfiguredCatalog() {
    return catalog != null;
  }

  public Duration commitInterval() {
    return commitInterval;
  }

  public int commitMaxRecords() {
    return commitMaxRecords;
  }

  public LakeSpec withPath(Path newPath) {
    return new LakeSpec(newPath, commitInterval, commitMaxRecords, catalog);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LakeSpec l
        && path.equals(l.path)
        && commitInterval.equals(l.commitInterval)
        && commitMaxRecords == l.commitMaxRecords
        && Objects.equals(catalog, l.catalog);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, commitInterval, commitMaxRecords, catalog);
  }

  @Override
  public String toString() {
    return "LakeSpec[path="
        + path
        + ", commitInterval="
        + commitInterval
        + ", commitMaxRecords="
        + commitMaxRecords
        + ", catalog="
        + (catalog == null ? "embedded" : catalog.describe())
        + "]";
  }
}
