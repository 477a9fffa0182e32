package io.driftgate.core.run;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which requested runs have ended, how, and on what data a promoted model was trained: what a
 * long-running monitor asks so that its retrain policy frees the in-flight slots of finished runs
 * without a restart, and its drift monitor re-bases its reference on a promotion. The launcher's
 * {@link RunStore} is the source ({@link #of(RunStore)}); the policy and the monitor stay pure by
 * taking this narrow lookup.
 */
@FunctionalInterface
public interface FinishedRuns {

  /**
   * The training data range of a promoted run: its request's {@code [dataFrom, dataTo)}.
   *
   * @param from inclusive start
   * @param to exclusive end
   */
  record TrainedOn(Instant from, Instant to) {
    public TrainedOn {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * How a run ended.
   *
   * @param at when it entered its terminal state
   * @param state the terminal state
   * @param trainedOn what the promoted model was trained on: set for {@link RunState#PROMOTED}
   *     only, null otherwise
   */
  record Finished(Instant at, RunState state, TrainedOn trainedOn) {
    public Finished {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(state, "state");
      if (!state.terminal()) {
        throw new IllegalArgumentException("a finished run needs a terminal state, got " + state);
      }
      if ((state == RunState.PROMOTED) != (trainedOn != null)) {
        throw new IllegalArgumentException(
            "trainedOn is set for a PROMOTED run only (state " + state + ")");
      }
    }

    /** A run that ended without a promotion (REJECTED, FAILED, CANCELLED). */
    public static Finished unpromoted(Instant at, RunState state) {
      return new Finished(at, state, null);
    }

    /** A promoted run, trained on {@code [from, to)}. */
    public static Finished promoted(Instant at, Instant from, Instant to) {
      return new Finished(at, RunState.PROMOTED, new TrainedOn(from, to));
    }

    public boolean promoted() {
      return state == RunState.PROMOTED;
    }
  }

  /**
   * Of {@code keys}, those whose run reached a terminal state ({@link RunState#terminal()}), with
   * how and when. Keys without a run (not consumed yet, or another state database) and runs still
   * going are absent.
   */
  Map<String, Finished> finished(Collection<String> keys);

  /** Nothing ever finishes (no run store to ask). */
  static FinishedRuns none() {
    return keys -> Map.of();
  }

  /**
   * Over a run store: a terminal run's finish time is when it entered that state ({@link
   * RetrainRun#stateEnteredAt()}, the launcher's clock); a promoted run was trained on its
   * request's range.
   */
  static FinishedRuns of(RunStore store) {
    Objects.requireNonNull(store, "store");
    return keys -> {
      Map<String, Finished> out = new LinkedHashMap<>();
      for (String key : keys) {
        store
            .get(key)
            .filter(run -> run.state().terminal())
            .ifPresent(
                run ->
                    out.put(
                        key,
                        new Finished(
                            run.stateEnteredAt(),
                            run.state(),
                            run.state() == RunState.PROMOTED
                                ? new TrainedOn(run.request().dataFrom(), run.request().dataTo())
                                : null)));
      }
      return out;
    };
  }
}
