package io.driftgate.core.run;

import io.driftgate.core.run.RunEvent.Admit;
import io.driftgate.core.run.RunEvent.Cancel;
import io.driftgate.core.run.RunEvent.GateDecided;
import io.driftgate.core.run.RunEvent.LakePinned;
import io.driftgate.core.run.RunEvent.StepFailed;
import io.driftgate.core.run.RunEvent.Submitted;
import io.driftgate.core.run.RunEvent.Tick;
import io.driftgate.core.run.RunEvent.TrainingSucceeded;
import io.driftgate.core.run.RunEvent.TuningSucceeded;
import io.driftgate.core.spec.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The run state machine: events in, the next run and the actions to take out. Pure: no I/O, time
 * from the injected clock. Events that do not apply (wrong state, an older attempt, a terminal run)
 * leave the run unchanged.
 *
 * <ul>
 *   <li>{@link Admit}: REQUESTED → TUNING, submit the study (attempt 1).
 *   <li>{@link LakePinned}: TUNING, study not submitted yet, no snapshot pinned: the snapshot is
 *       stored with the request and the study submitted (the launcher pins a run before its study
 *       starts when the request names no snapshot).
 *   <li>{@link TuningSucceeded}: TUNING → TRAINING_BEST, submit train-best + gate.
 *   <li>{@link TrainingSucceeded}: TRAINING_BEST → GATING.
 *   <li>{@link GateDecided}: GATING (or TRAINING_BEST, passing through GATING) → PROMOTED |
 *       REJECTED.
 *   <li>{@link StepFailed}: retryable and attempts left → same step again after the backoff (a
 *       failure while GATING goes back to TRAINING_BEST, as the step trains and gates); otherwise
 *       FAILED.
 *   <li>{@link Cancel}: any non-terminal state → CANCELLED, cancel the running step.
 *   <li>{@link Tick}: a due retry is submitted; a run past its state's timeout FAILED (its step
 *       cancelled). Timeouts count from entering the state, retries included.
 * </ul>
 */
public final class RunMachine {
  private final RunPolicy policy;
  private final Clock clock;

  public RunMachine(RunPolicy policy, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public RunPolicy policy() {
    return policy;
  }

  /** A new run in REQUESTED, stamped with this machine's clock. */
  public RetrainRun request(String key, String model, RunRequest request) {
    return RetrainRun.requested(key, model, request, clock.instant());
  }

  /** Applies an event. */
  public Outcome apply(RetrainRun run, RunEvent event) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(event, "event");
    if (run.state().terminal()) {
      return Outcome.unchanged(run);
    }
    Instant now = clock.instant();
    if (event instanceof Admit) {
      return admit(run, now);
    } else if (event instanceof LakePinned p) {
      return pinned(run, p, now);
    } else if (event instanceof Submitted s) {
      return submitted(run, s, now);
    } else if (event instanceof TuningSucceeded t) {
      return tuned(run, t, now);
    } else if (event instanceof TrainingSucceeded t) {
      return trained(run, t, now);
    } else if (event instanceof GateDecided g) {
      return gated(run, g, now);
    } else if (event instanceof StepFailed f) {
      return failed(run, f, now);
    } else if (event instanceof Cancel c) {
      return cancel(run, c, now);
    } else {
      return tick(run, now);
    }
  }

  /** When this run next needs a {@link Tick} (a retry due or a timeout), if ever. */
  public Optional<Instant> nextWakeup(RetrainRun run) {
    if (run.state().terminal()) {
      return Optional.empty();
    }
    Instant wake = run.retryAt();
    Duration timeout = policy.timeout(run.state());
    if (timeout != null) {
      Instant t = run.stateEnteredAt().plus(timeout);
      wake = wake == null || t.isBefore(wake) ? t : wake;
    }
    return Optional.ofNullable(wake);
  }

  /**
   * The queued runs to admit now so that at most {@code maxInFlight} runs are in flight, oldest
   * first (ties by key).
   */
  public static List<RetrainRun> admissible(Collection<RetrainRun> runs, int maxInFlight) {
    long inFlight = runs.stream().filter(r -> r.state().inFlight()).count();
    long free = Math.max(0, maxInFlight - inFlight);
    return runs.stream()
        .filter(r -> r.state() == RunState.REQUESTED)
        .sorted(Comparator.comparing(RetrainRun::createdAt).thenComparing(RetrainRun::key))
        .limit(free)
        .toList();
  }

  private Outcome admit(RetrainRun run, Instant now) {
    if (run.state() != RunState.REQUESTED) {
      return Outcome.unchanged(run);
    }
    RetrainRun next =
        run.withAttempt(1, false, null).moveTo(RunState.TUNING, now, "admitted: tuning study");
    return Outcome.changed(next, RunAction.submit(RunStep.TUNE, 1));
  }

  private Outcome pinned(RetrainRun run, LakePinned p, Instant now) {
    if (run.state() != RunState.TUNING
        || p.attempt() != run.attempt()
        || run.submitted()
        || run.retryAt() != null
        || run.request().lakeSnapshot() != null
        || p.snapshotId() == null
        || p.snapshotId().isBlank()) {
      return Outcome.unchanged(run);
    }
    RetrainRun next =
        run.withRequest(run.request().withLakeSnapshot(p.snapshotId(), p.metadataLocation()))
            .moveTo(
                run.state(),
                now,
                "lake snapshot "
                    + p.snapshotId()
                    + " pinned"
                    + (p.detail() == null || p.detail().isBlank() ? "" : ": " + p.detail()));
    return Outcome.changed(next, RunAction.submit(RunStep.TUNE, run.attempt()));
  }

  private Outcome submitted(RetrainRun run, Submitted s, Instant now) {
    if (s.step() != run.step() || s.attempt() != run.attempt() || run.submitted()) {
      if (s.step() == run.step() && s.attempt() == run.attempt() && !s.handles().isEmpty()) {
        RetrainRun next = run.withHandles(s.handles());
        return next.handles().equals(run.handles())
            ? Outcome.unchanged(run)
            : Outcome.changed(next);
      }
      return Outcome.unchanged(run);
    }
    String what = s.handles().isEmpty() ? "" : " " + s.handles();
    RetrainRun next =
        run.withHandles(s.handles())
            .withAttempt(run.attempt(), true, null)
            .moveTo(
                run.state(),
                now,
                "submitted " + s.step().label() + " attempt " + s.attempt() + what);
    return Outcome.changed(next);
  }

  private Outcome tuned(RetrainRun run, TuningSucceeded t, Instant now) {
    if (run.state() != RunState.TUNING || t.attempt() != run.attempt()) {
      return Outcome.unchanged(run);
    }
    String best =
        t.bestTrial() == null
            ? "study complete"
            : "study complete, best trial " + t.bestTrial() + " " + t.bestParams();
    RetrainRun next =
        run.withResults(
                run.results()
                    .withTuning(t.bestParams(), t.bestTrial())
                    .withModelDir(
                        t.bestModelDir() == null ? run.results().modelDir() : t.bestModelDir()))
            .withAttempt(1, false, null)
            .moveTo(RunState.TRAINING_BEST, now, best);
    return Outcome.changed(next, RunAction.submit(RunStep.BEST, 1));
  }

  private Outcome trained(RetrainRun run, TrainingSucceeded t, Instant now) {
    if (run.state() != RunState.TRAINING_BEST || t.attempt() != run.attempt()) {
      return Outcome.unchanged(run);
    }
    RetrainRun next =
        run.withResults(
                run.results()
                    .withModelDir(t.modelDir() == null ? run.results().modelDir() : t.modelDir()))
            .moveTo(RunState.GATING, now, "best model trained" + at(t.modelDir()));
    return Outcome.changed(next);
  }

  private Outcome gated(RetrainRun run, GateDecided g, Instant now) {
    if ((run.state() != RunState.GATING && run.state() != RunState.TRAINING_BEST)
        || g.attempt() != run.attempt()) {
      return Outcome.unchanged(run);
    }
    RetrainRun r = run;
    if (r.state() == RunState.TRAINING_BEST) {
      r = r.moveTo(RunState.GATING, now, "best model trained (reported with the verdict)");
    }
    RunState to = g.promoted() ? RunState.PROMOTED : RunState.REJECTED;
    String why =
        (g.promoted() ? "gate passed" : "gate rejected")
            + (g.modelVersion() == null ? "" : ", version " + g.modelVersion())
            + (g.reason() == null || g.reason().isBlank() ? "" : ": " + g.reason());
    RetrainRun next =
        r.withResults(r.results().withVerdict(g.promoted(), g.modelVersion(), g.reason()))
            .withAttempt(r.attempt(), r.submitted(), null)
            .moveTo(to, now, why);
    return Outcome.changed(next);
  }

  private Outcome failed(RetrainRun run, StepFailed f, Instant now) {
    if (f.step() != run.step() || f.attempt() != run.attempt()) {
      return Outcome.unchanged(run);
    }
    int max = policy.maxAttempts();
    String what =
        f.step().label() + " attempt " + f.attempt() + "/" + max + " failed: " + f.reason();
    if (f.retryable() && f.attempt() < max) {
      Duration wait = policy.backoff(f.attempt());
      Instant due = now.plus(wait);
      RunState back = run.state() == RunState.GATING ? RunState.TRAINING_BEST : run.state();
      RetrainRun next =
          run.withAttempt(f.attempt() + 1, false, wait.isZero() ? null : due)
              .moveTo(back, now, what + "; retry in " + Durations.format(wait));
      return wait.isZero()
          ? Outcome.changed(next, RunAction.submit(f.step(), f.attempt() + 1))
          : Outcome.changed(next);
    }
    String reason = f.retryable() ? what + " (no attempts left)" : what + " (not retryable)";
    RetrainRun next =
        run.withAttempt(run.attempt(), run.submitted(), null)
            .withFailure(reason)
            .moveTo(RunState.FAILED, now, reason);
    return Outcome.changed(next);
  }

  private Outcome cancel(RetrainRun run, Cancel c, Instant now) {
    String reason =
        "cancelled" + (c.reason() == null || c.reason().isBlank() ? "" : ": " + c.reason());
    RunStep step = run.step();
    RetrainRun next =
        run.withAttempt(run.attempt(), run.submitted(), null)
            .withFailure(reason)
            .moveTo(RunState.CANCELLED, now, reason);
    return step == null
        ? Outcome.changed(next)
        : Outcome.changed(next, RunAction.cancel(step, run.attempt()));
  }

  private Outcome tick(RetrainRun run, Instant now) {
    Duration timeout = policy.timeout(run.state());
    if (timeout != null && !now.isBefore(run.stateEnteredAt().plus(timeout))) {
      String reason = run.state() + " timed out after " + Durations.format(timeout);
      RunStep step = run.step();
      RetrainRun next =
          run.withAttempt(run.attempt(), run.submitted(), null)
              .withFailure(reason)
              .moveTo(RunState.FAILED, now, reason);
      return step == null
          ? Outcome.changed(next)
          : Outcome.changed(next, RunAction.cancel(step, run.attempt()));
    }
    if (run.retryAt() != null && !now.isBefore(run.retryAt())) {
      RetrainRun next =
          run.withAttempt(run.attempt(), false, null)
              .moveTo(
                  run.state(),
                  now,
                  "backoff over: submitting " + run.step().label() + " attempt " + run.attempt());
      return Outcome.changed(next, RunAction.submit(run.step(), run.attempt()));
    }
    return Outcome.unchanged(run);
  }

  /**
   * Whether the gate decision of attempt {@code attempt} may still be applied to the registry (may
   * promote): only while the run trains or gates that very attempt. A cancelled, failed or timed
   * out run, or one that moved on to another attempt, takes no promotion: its cancel is a state the
   * promotion step checks, not only a Job delete that may fail.
   */
  public static boolean mayApplyGate(RetrainRun run, int attempt) {
    return (run.state() == RunState.GATING || run.state() == RunState.TRAINING_BEST)
        && run.attempt() == attempt
        && run.retryAt() == null;
  }

  /**
   * The actions that bring the backend back in line with a persisted run after a restart: submit
   * (or adopt, backends make submission idempotent) the current step unless a retry is still
   * waiting for its backoff.
   */
  public static List<RunAction> resumeActions(RetrainRun run) {
    List<RunAction> out = new ArrayList<>();
    if (run.state().inFlight() && run.retryAt() == null) {
      out.add(RunAction.submit(run.step(), run.attempt()));
    }
    return out;
  }

  private static String at(String dir) {
    return dir == null ? "" : " at " + dir;
  }
}
