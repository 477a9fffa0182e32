package io.driftgate.core.lake;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;

/**
 * What one writer produced and nobody has committed yet: data files of the records and dead-letter
 * tables (metadata only, never rows) and the source offsets they account for. Batches of several
 * writers merge into one commit. Data files are Java-serializable (Iceberg's {@code BaseFile}).
 */
public final class LakeBatch implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, OffsetRanges> offsets = new TreeMap<>();
  private final ArrayList<DataFile> recordFiles = new ArrayList<>();
  private final ArrayList<DataFile> deadLetterFiles = new ArrayList<>();
  private final TreeMap<String, Long> deadLettersByKind = new TreeMap<>();
  private final ArrayList<String> warnings = new ArrayList<>();
  private long rows;
  private long deadLetters;

  /** Accounts for one offset (a row or a dead letter of this batch). */
  public LakeBatch offset(String topic, int partition, long offset) {
    offsets.computeIfAbsent(LakeOffsets.key(topic, partition), k -> new OffsetRanges()).add(offset);
    return this;
  }

  public LakeBatch offsets(String key, OffsetRanges ranges) {
    offsets.computeIfAbsent(key, k -> new OffsetRanges()).addAll(ranges);
    return this;
  }

  public LakeBatch recordFiles(List<DataFile> files, long rowCount) {
    recordFiles.addAll(files);
    rows += rowCount;
    return this;
  }

  public LakeBatch deadLetterFiles(List<DataFile> files, Map<String, Long> byKind) {
    deadLetterFiles.addAll(files);
    byKind.forEach(
        (k, v) -> {
          deadLettersByKind.merge(k, v, Long::sum);
          deadLetters += v;
        });
    return this;
  }

  public LakeBatch warning(String message) {
    warnings.add(message);
    return this;
  }

  /** Adds everything of {@code other} to this batch. */
  public LakeBatch merge(LakeBatch other) {
    other.offsets.forEach(this::offsets);
    recordFiles.addAll(other.recordFiles);
    deadLetterFiles.addAll(other.deadLetterFiles);
    other.deadLettersByKind.forEach((k, v) -> deadLettersByKind.merge(k, v, Long::sum));
    warnings.addAll(other.warnings);
    rows += other.rows;
    deadLetters += other.deadLetters;
    return this;
  }

  public Map<String, OffsetRanges> offsets() {
    return offsets;
  }

  public List<DataFile> recordFiles() {
    return recordFiles;
  }

  public List<DataFile> deadLetterFiles() {
    return deadLetterFiles;
  }

  public Map<String, Long> deadLettersByKind() {
    return deadLettersByKind;
  }

  public List<String> warnings() {
    return warnings;
  }

  public long rows() {
    return rows;
  }

  public long deadLetters() {
    return deadLetters;
  }

  public boolean isEmpty() {
    return offsets.isEmpty();
  }

  @Override
  public String toString() {
    return "LakeBatch[rows="
        + rows
        + ", deadLetters="
        + deadLetters
        + ", files="
        + (recordFiles.size() + deadLetterFiles.size())
        + ", offsets="
        + offsets
        + "]";
  }
}
