package io.driftgate.core.run;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a run's history. {@code from == to} records an event that did not change the state
 * (a retry scheduled, a step submitted).
 *
 * @param from state before
 * @param to state after
 * @param at when (launcher clock)
 * @param reason why, in words
 */
public record Transition(RunState from, RunState to, Instant at, String reason) {
  public Transition {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    reason = reason == null ? "" : reason;
  }
}
