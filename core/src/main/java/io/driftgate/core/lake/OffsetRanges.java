package io.driftgate.core.lake;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A set of Kafka offsets of one partition, kept as sorted, disjoint, non-adjacent half-open ranges
 * {@code [from, to)}. Mutable and not thread-safe; copy before sharing.
 */
public final class OffsetRanges implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One half-open range {@code [from, to)}. */
  public record Range(long from, long to) implements Serializable {
    public Range {
      if (from < 0 || to <= from) {
        throw new IllegalArgumentException(
            "offset range must satisfy 0 <= from < to: " + from + ", " + to);
      }
    }

    public long size() {
      return to - from;
    }
  }

  private final ArrayList<Range> ranges = new ArrayList<>();

  public static OffsetRanges of(List<Range> ranges) {
    OffsetRanges r = new OffsetRanges();
    ranges.forEach(x -> r.addRange(x.from(), x.to()));
    return r;
  }

  /** Builds compact ranges from offsets in any order (duplicates are fine). */
  public static OffsetRanges fromOffsets(long[] offsets) {
    long[] sorted = offsets.clone();
    java.util.Arrays.sort(sorted);
    OffsetRanges r = new OffsetRanges();
    int i = 0;
    while (i < sorted.length) {
      long start = sorted[i];
      long end = start + 1;
      i++;
      while (i < sorted.length && sorted[i] <= end) {
        end = Math.max(end, sorted[i] + 1);
        i++;
      }
      r.addRange(start, end);
    }
    return r;
  }

  public void add(long offset) {
    addRange(offset, offset + 1);
  }

  /** Adds {@code [from, to)}, merging with overlapping or adjacent ranges. */
  public void addRange(long from, long to) {
    Range added = new Range(from, to);
    int i = insertionPoint(added.from());
    long newFrom = added.from();
    long newTo = added.to();
    // Merge with the predecessor when it touches the new range.
    if (i > 0 && ranges.get(i - 1).to() >= newFrom) {
      i--;
      newFrom = Math.min(newFrom, ranges.get(i).from());
    }
    int j = i;
    while (j < ranges.size() && ranges.get(j).from() <= newTo) {
      newTo = Math.max(newTo, ranges.get(j).to());
      j++;
    }
    ranges.subList(i, j).clear();
    ranges.add(i, new Range(newFrom, newTo));
  }

  public void addAll(OffsetRanges other) {
    other.ranges.forEach(r -> addRange(r.from(), r.to()));
  }

  public boolean contains(long offset) {
    int i = insertionPoint(offset + 1) - 1;
    return i >= 0 && ranges.get(i).from() <= offset && offset < ranges.get(i).to();
  }

  /** True when every offset of {@code [from, to)} is in the set. */
  public boolean containsRange(long from, long to) {
    int i = insertionPoint(from + 1) - 1;
    return i >= 0 && ranges.get(i).from() <= from && to <= ranges.get(i).to();
  }

  /** Number of offsets in the set. */
  public long count() {
    long n = 0;
    for (Range r : ranges) {
      n += r.size();
    }
    return n;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /**
   * Where a consumer standing at {@code position} may resume: the end of the range that holds
   * {@code position}, or {@code position} itself when the set does not hold it. Offsets held above
   * a gap never count: batches may be committed out of offset order, and a consumer that skipped
   * the gap would lose it.
   */
  public long resumeFrom(long position) {
    int i = insertionPoint(position + 1) - 1;
    if (i >= 0 && ranges.get(i).from() <= position && position < ranges.get(i).to()) {
      return ranges.get(i).to();
    }
    return position;
  }

  /** The first offset held above {@code position}, if any (the start of the next range). */
  public java.util.OptionalLong nextHeldAbove(long position) {
    for (Range r : ranges) {
      if (r.from() > position) {
        return java.util.OptionalLong.of(r.from());
      }
    }
    return java.util.OptionalLong.empty();
  }

  public List<Range> ranges() {
    return Collections.unmodifiableList(ranges);
  }

  private int insertionPoint(long from) {
    int lo = 0;
    int hi = ranges.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ranges.get(mid).from() < from) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OffsetRanges other && ranges.equals(other.ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < ranges.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(ranges.get(i).from()).append('-').append(ranges.get(i).to());
    }
    return sb.append(']').toString();
  }
}
