package io.driftgate.streaming.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Entries the lake writers of this process took, per consumer group: how the launcher of an
 * embedded job sees that the job has read everything there is (the count stops moving) and asks for
 * the checkpoint that commits it now, instead of waiting up to a {@code lake.commitInterval} for
 * the next periodic one. A job on a remote cluster leaves it at zero (its writers run elsewhere);
 * then only periodic checkpoints commit, as before.
 */
final class WriterActivity {
  private static final Map<String, LongAdder> BY_GROUP = new ConcurrentHashMap<>();

  private WriterActivity() {}

  /** The counter of {@code consumerGroup}'s writers ({@code null}: a job without a group). */
  static LongAdder of(String consumerGroup) {
    return BY_GROUP.computeIfAbsent(
        consumerGroup == null ? "" : consumerGroup, g -> new LongAdder());
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
    private int still;

    QuietDetector(int quietPolls) {
      this.quietPolls = quietPolls;
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
