package io.driftgate.core.run;

import java.util.Objects;

/**
 * What the launcher must do after a transition.
 *
 * @param kind submit the step, or cancel it
 * @param step which step
 * @param attempt the attempt to submit or cancel
 */
public record RunAction(Kind kind, RunStep step, int attempt) {
  public enum Kind {
    SUBMIT,
    CANCEL
  }

  public RunAction {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(step, "step");
  }

  public static RunAction submit(RunStep step, int attempt) {
    return new RunAction(Kind.SUBMIT, step, attempt);
  }

  public static RunAction cancel(RunStep step, int attempt) {
    return new RunAction(Kind.CANCEL, step, attempt);
  }
}
