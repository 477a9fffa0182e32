package io.driftgate.streaming.ingest;

import java.util.Map;
import java.util.function.Supplier;

/**
 * When a running ingestion may stop. Checked while the pipeline runs; the pipeline is then
 * cancelled, which is safe at any moment because the lake, not the engine, holds the state that
 * matters (committed files + offsets).
 */
@FunctionalInterface
public interface StopCondition {
  boolean reached();

  /**
   * Stops once the consumer group has durably committed every partition up to the target end
   * offsets; {@code targets} may return null while the targets are not known yet (e.g. while a
   * producer is still writing).
   */
  static StopCondition caughtUpWith(
      String bootstrapServers, String topic, String group, Supplier<Map<Integer, Long>> targets) {
    return () -> {
      Map<Integer, Long> target = targets.get();
      if (target == null) {
        return false;
      }
      Map<Integer, Long> committed =
          KafkaOffsets.positions(bootstrapServers, topic, group).committed();
      return target.entrySet().stream()
          .allMatch(
              e -> e.getValue() == 0 || committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    };
  }
}
