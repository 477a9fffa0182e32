package io.driftgate.core.drift.profile;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What the unstructured profiles ({@link ImageProfile}, {@link TextProfile}) share: value and null
 * counts and a reservoir of at most {@value #RESERVOIR} embeddings ({@value #DIMENSIONS}
 * dimensions, projection seed {@value #EMBEDDING_SEED}, sampling seed {@value #RESERVOIR_SEED}) for
 * the MMD test. Each subclass adds its own statistics, embedding and serialised layout.
 */
public abstract sealed class EmbeddingProfile permits ImageProfile, TextProfile {
  public static final int DIMENSIONS = 32;
  public static final int RESERVOIR = 200;
  public static final long EMBEDDING_SEED = 18L;
  public static final long RESERVOIR_SEED = 1818L;

  private final EmbeddingReservoir reservoir;
  private long count;
  private long nullCount;

  /** An empty reservoir, no values. */
  EmbeddingProfile() {
    this(new EmbeddingReservoir(RESERVOIR, DIMENSIONS, RESERVOIR_SEED));
  }

  EmbeddingProfile(EmbeddingReservoir reservoir) {
    this.reservoir = reservoir;
  }

  public EmbeddingReservoir reservoir() {
    return reservoir;
  }

  public long count() {
    return count;
  }

  public long nullCount() {
    return nullCount;
  }

  public long validCount() {
    return count - nullCount;
  }

  /** Counts one value, or a null when {@code isNull}; returns whether it is a value. */
  final boolean countValue(boolean isNull) {
    count++;
    if (isNull) {
      nullCount++;
    }
    return !isNull;
  }

  /** Sets this (new, merged) profile's counts to the sums of {@code a}'s and {@code b}'s. */
  final void sumCounts(EmbeddingProfile a, EmbeddingProfile b) {
    count = a.count + b.count;
    nullCount = a.nullCount + b.nullCount;
  }

  /** Writes the counts: {@code count}, then {@code nullCount}. */
  final void writeCounts(DataOutput out) throws IOException {
    out.writeLong(count);
    out.writeLong(nullCount);
  }

  /** Reads what {@link #writeCounts} wrote: {@code {count, nullCount}}. */
  static long[] readCounts(DataInput in) throws IOException {
    return new long[] {in.readLong(), in.readLong()};
  }

  /** Sets this (just read) profile's counts. */
  final void restoreCounts(long[] counts) {
    count = counts[0];
    nullCount = counts[1];
  }
}
