package io.driftgate.core.drift.profile;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A uniform sample of at most {@code capacity} embedding vectors of a window (reservoir sampling,
 * Vitter's algorithm R), so the two-sample MMD test runs in bounded memory on any window size.
 * Seeded: the same vectors in the same order give the same sample; a merge draws from both sides in
 * proportion to how many vectors each has seen, seeded by the seed and the counts.
 */
public final class EmbeddingReservoir {
  private final int capacity;
  private final int dimensions;
  private final long seed;
  private final List<double[]> sample = new ArrayList<>();
  private long seen;
  private transient Random random;

  public EmbeddingReservoir(int capacity, int dimensions, long seed) {
    if (capacity < 2 || dimensions < 1) {
      throw new IllegalArgumentException("capacity >= 2 and dimensions >= 1");
    }
    this.capacity = capacity;
    this.dimensions = dimensions;
    this.seed = seed;
  }

  public void add(double[] v) {
    if (v.length != dimensions) {
      throw new IllegalArgumentException(v.length + " values, expected " + dimensions);
    }
    seen++;
    if (sample.size() < capacity) {
      sample.add(v);
      return;
    }
    if (random == null) {
      random = new Random(seed);
    }
    long j = (long) (random.nextDouble() * seen);
    if (j < capacity) {
      sample.set((int) j, v);
    }
  }

  /** A new reservoir holding a sample of both. */
  public EmbeddingReservoir merge(EmbeddingReservoir other) {
    if (other.capacity != capacity || other.dimensions != dimensions) {
      throw new IllegalArgumentException("reservoirs of different shapes");
    }
    EmbeddingReservoir out = new EmbeddingReservoir(capacity, dimensions, seed);
    out.seen = seen + other.seen;
    Random r = new Random(seed * 31 + seen * 1_000_003L + other.seen);
    List<double[]> a = new ArrayList<>(sample);
    List<double[]> b = new ArrayList<>(other.sample);
    long restA = seen;
    long restB = other.seen;
    while (out.sample.size() < capacity && (!a.isEmpty() || !b.isEmpty())) {
      boolean fromA = b.isEmpty() || (!a.isEmpty() && r.nextDouble() * (restA + restB) < restA);
      List<double[]> from = fromA ? a : b;
      out.sample.add(from.remove(r.nextInt(from.size())));
      if (fromA) {
        restA = Math.max(0, restA - 1);
      } else {
        restB = Math.max(0, restB - 1);
      }
    }
    return out;
  }

  public long seen() {
    return seen;
  }

  public int dimensions() {
    return dimensions;
  }

  /** The sampled vectors (copies of the references; do not modify). */
  public double[][] sample() {
    return sample.toArray(new double[0][]);
  }

  void write(DataOutput out) throws IOException {
    out.writeInt(capacity);
    out.writeInt(dimensions);
    out.writeLong(seed);
    out.writeLong(seen);
    out.writeInt(sample.size());
    for (double[] v : sample) {
      for (double x : v) {
        out.writeFloat((float) x);
      }
    }
  }

  static EmbeddingReservoir read(DataInput in) throws IOException {
    EmbeddingReservoir r = new EmbeddingReservoir(in.readInt(), in.readInt(), in.readLong());
    r.seen = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      double[] v = new double[r.dimensions];
      for (int d = 0; d < v.length; d++) {
        v[d] = in.readFloat();
      }
      r.sample.add(v);
    }
    return r;
  }
}
