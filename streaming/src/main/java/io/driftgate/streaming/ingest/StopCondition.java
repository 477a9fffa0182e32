package io.driftgate.streaming.ingest;

import java.util.Map;
import java.util.function.Supplier;

/**
 * When a running ingestion may stop. Checked while the pipeline runs; the pipeline is then
 * cancelled, which is safe at any moment because the lake, not the engine, holds the state that
 * matters (committed files + offsets).
 */
@FunctionalInterface
public interface StopCondition extends AutoCloseable {
  boolean reached();

  /** Releases what the condition holds between checks (a Kafka admin client); idempotent. */
  @Override
  default void close() {}

  /**
   * The end offsets per partition this condition waits for the group to commit, when it waits for
   * offsets ({@link #caughtUpWith}) and knows them yet; else null. A run whose writers took the
   * records below them asks for the checkpoint that commits them at once.
   */
  default Map<Integer, Long> offsetTargets() {
    return null;
  }

  /**
   * Stops once the consumer group has durably committed every partition up to the target end
   * offsets; {@code targets} may return null while the targets are not known yet (e.g. while a
   * producer is still writing).
   */
  /** Both conditions, checked in order (the second only once the first holds). */
  default StopCondition and(StopCondition other) {
    StopCondition first = this;
    return new StopCondition() {
      @Override
      public boolean reached() {
        return first.reached() && other.reached();
      }

      @Override
      public Map<Integer, Long> offsetTargets() {
        Map<Integer, Long> t = first.offsetTargets();
        return t != null ? t : other.offsetTargets();
      }

      @Override
      public void close() {
        try {
          first.close();
        } finally {
          other.close();
        }
      }
    };
  }

  /**
   * The drift monitor has closed every event-time window that holds committed rows and that the
   * watermark can close by now (use after {@link #caughtUpWith}, so the lake is complete). Windows
   * ahead of the watermark cap (wall clock minus {@link EventTimePolicy#MAX_DELAY}), which hold
   * rows with event times up to {@code eventTime.maxFutureSkew} in the future, are not waited for:
   * see {@link MonitorProgress}.
   */
  static StopCondition monitorClosedAllWindows(IngestConfig config, java.time.Duration window) {
    return monitorClosedAllWindows(config, window, java.time.Clock.systemUTC());
  }

  /** {@link #monitorClosedAllWindows(IngestConfig, java.time.Duration)} on {@code clock}. */
  static StopCondition monitorClosedAllWindows(
      IngestConfig config, java.time.Duration window, java.time.Clock clock) {
    return () -> {
      long closed =
          io.driftgate.core.monitor.MonitorStore.open(config.stateSpec(), config.spec().model())
              .load()
              .lastWindowEnd();
      try (io.driftgate.core.lake.Lake lake = config.openLake()) {
        java.util.Optional<long[]> range = lake.eventTimeRange();
        if (range.isEmpty()) {
          return true;
        }
        return MonitorProgress.closedAllWindows(
            range.get()[1],
            closed,
            window.toMillis(),
            clock.millis() - EventTimePolicy.MAX_DELAY.getMillis(),
            (from, to) -> MonitorProgress.rowsBetween(lake, from, to));
      }
    };
  }

  static StopCondition caughtUpWith(
      String bootstrapServers, String topic, String group, Supplier<Map<Integer, Long>> targets) {
    return caughtUpWith(Map.of("bootstrap.servers", bootstrapServers), topic, group, targets);
  }

  /**
   * {@link #caughtUpWith(String, String, String, Supplier)} with full client properties. One admin
   * client serves every check (a check is one group-offsets request) until {@link #close()}.
   */
  static StopCondition caughtUpWith(
      Map<String, Object> clientProperties,
      String topic,
      String group,
      Supplier<Map<Integer, Long>> targets) {
    return new StopCondition() {
      private KafkaOffsets.Committed offsets;

      @Override
      public Map<Integer, Long> offsetTargets() {
        return targets.get();
      }

      @Override
      public synchronized boolean reached() {
        Map<Integer, Long> target = targets.get();
        if (target == null) {
          return false;
        }
        if (offsets == null) {
          offsets = KafkaOffsets.committedReader(clientProperties, topic, group);
        }
        Map<Integer, Long> committed = offsets.read();
        return target.entrySet().stream()
            .allMatch(
                e -> e.getValue() == 0 || committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
      }

      @Override
      public synchronized void close() {
        if (offsets != null) {
          offsets.close();
          offsets = null;
        }
      }
    };
  }
}
