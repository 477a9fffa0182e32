package io.driftgate.streaming.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Entries the lake writers of this process took, per consumer group: how the launcher of an
 * embedded job sees that the job has read everything there is (the count stops moving) and asks for
 * the checkpoint that commits it now, instead of waiting up to a {@code lake.commitInterval} for
 * the next periodic one. A job on a remote cluster leaves it at zero (its writers run elsewhere);
 * then only periodic checkpoints commit, as before.
 */
final class WriterActivity {
  private static final Map<String, Group> BY_GROUP = new ConcurrentHashMap<>();

  private WriterActivity() {}

  /** What one group's writers took: how many entries, and up to which offset per partition. */
  static final class Group {
    private final LongAdder entries = new LongAdder();
    private final Map<Integer, AtomicLong> next = new ConcurrentHashMap<>();

    /** The partition's position (its highest offset taken + 1), for a writer to keep. */
    AtomicLong position(int partition) {
      return next.computeIfAbsent(partition, p -> new AtomicLong());
    }

    /** A writer took the entry at {@code offset} of the partition whose position is given. */
    void took(AtomicLong position, long offset) {
      entries.increment();
      if (offset >= position.get()) {
        position.accumulateAndGet(offset + 1, Math::max);
      }
    }

    long sum() {
      return entries.sum();
    }

    /** Whether the writers took every offset below {@code targets} (partition -> end offset). */
    boolean reached(Map<Integer, Long> targets) {
      for (Map.Entry<Integer, Long> t : targets.entrySet()) {
        AtomicLong at = next.get(t.getKey());
        if (t.getValue() > 0 && (at == null || at.get() < t.getValue())) {
          return false;
        }
      }
      return true;
    }
  }

  /** What {@code consumerGroup}'s writers took ({@code null}: a job without a group). */
  static Group of(String consumerGroup) {
    return BY_GROUP.computeIfAbsent(consumerGroup == null ? "" : consumerGroup, g -> new Group());
  }

  /** Forgets {@code consumerGroup}'s counter once its job ended. */
  static void release(String consumerGroup) {
    BY_GROUP.remove(consumerGroup == null ? "" : consumerGroup);
  }

  /**
   * Decides, from one reading of the counter per poll, when the writers went quiet: the count did
   * not move for {@code quietPolls} polls in a row after moving since the last request. One request
   * per quiet spell; a spurious one (a pause under load) only commits early.
   */
  static final class QuietDetector {
    private final int quietPolls;
    private long last = -1;
    private long requestedAt = 0;
    private boolean targetsTaken;
    private int still;

    QuietDetector(int quietPolls) {
      this.quietPolls = quietPolls;
    }

    /**
     * Whether to request a checkpoint now because the writers took every record the run waits for
     * ({@code reached}), given this poll's count: once per run (records past the targets may keep
     * coming), and the quiet spell that follows asks for nothing more.
     */
    boolean takenUpTo(long count, boolean reached) {
      if (!reached || targetsTaken) {
        return false;
      }
      targetsTaken = true;
      requestedAt = count;
      return true;
    }

    /** Whether to request a checkpoint now, given this poll's count. */
    boolean quietNow(long count) {
      if (count != last) {
        last = count;
        still = 0;
        return false;
      }
      if (count == requestedAt || ++still < quietPolls) {
        return false;
      }
      requestedAt = count;
      return true;
    }
  }
}
