package io.driftgate.core.run;

import java.util.List;

/**
 * The result of applying an event.
 *
 * @param run the run after the event (the same instance when nothing changed)
 * @param actions what the launcher must do now, in order
 * @param changed whether the run changed (and must be persisted)
 */
public record Outcome(RetrainRun run, List<RunAction> actions, boolean changed) {
  public Outcome {
    actions = List.copyOf(actions);
  }

  static Outcome unchanged(RetrainRun run) {
    return new Outcome(run, List.of(), false);
  }

  static Outcome changed(RetrainRun run, RunAction... actions) {
    return new Outcome(run, List.of(actions), true);
  }
}
