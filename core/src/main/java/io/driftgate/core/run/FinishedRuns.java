package io.driftgate.core.run;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which requested runs have ended: what a long-running monitor asks so that its retrain policy
 * frees the in-flight slots of finished runs without a restart. The launcher's {@link RunStore} is
 * the source ({@link #of(RunStore)}); the policy stays pure by taking this narrow lookup.
 */
@FunctionalInterface
public interface FinishedRuns {

  /**
   * Of {@code keys}, those whose run reached a terminal state ({@link RunState#terminal()}), with
   * when it did. Keys without a run (not consumed yet, or another state database) and runs still
   * going are absent.
   */
  Map<String, Instant> finished(Collection<String> keys);

  /** Nothing ever finishes (no run store to ask). */
  static FinishedRuns none() {
    return keys -> Map.of();
  }

  /**
   * Over a run store: a terminal run's finish time is when it entered that state ({@link
   * RetrainRun#stateEnteredAt()}, the launcher's clock).
   */
  static FinishedRuns of(RunStore store) {
    Objects.requireNonNull(store, "store");
    return keys -> {
      Map<String, Instant> out = new LinkedHashMap<>();
      for (String key : keys) {
        store
            .get(key)
            .filter(run -> run.state().terminal())
            .ifPresent(run -> out.put(key, run.stateEnteredAt()));
      }
      return out;
    };
  }
}
