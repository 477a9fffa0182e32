package io.driftgate.core.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One retraining run, as persisted by a {@link RunStore}. Immutable; {@link RunMachine} derives the
 * next version from an event.
 *
 * @param key idempotency key of the request (unique per run)
 * @param model model name
 * @param request what was requested
 * @param state current state
 * @param attempt attempt number of the current step, from 1 (0 while REQUESTED)
 * @param submitted whether the current attempt has been handed to the backend
 * @param retryAt when a failed step is due for its next attempt, or null when none is pending
 * @param createdAt when the launcher accepted the request
 * @param stateEnteredAt when the current state began (state timeouts count from here)
 * @param updatedAt last change
 * @param history every transition with its reason, oldest first
 * @param handles backend references: job names, study dir, namespace (step handles)
 * @param results what the steps produced
 * @param failure why the run FAILED or was CANCELLED, or null
 */
public record RetrainRun(
    String key,
    String model,
    RunRequest request,
    RunState state,
    int attempt,
    boolean submitted,
    Instant retryAt,
    Instant createdAt,
    Instant stateEnteredAt,
    Instant updatedAt,
    List<Transition> history,
    Map<String, String> handles,
    RunResults results,
    String failure) {

  public RetrainRun {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(stateEnteredAt, "stateEnteredAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (key.isBlank()) {
      throw new IllegalArgumentException("a run needs a non-blank idempotency key");
    }
    history = history == null ? List.of() : List.copyOf(history);
    handles = handles == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(handles));
    results = results == null ? RunResults.NONE : results;
  }

  /** A new run in REQUESTED. */
  public static RetrainRun requested(String key, String model, RunRequest request, Instant now) {
    return new RetrainRun(
        key,
        model,
        request,
        RunState.REQUESTED,
        0,
        false,
        null,
        now,
        now,
        now,
        List.of(new Transition(RunState.REQUESTED, RunState.REQUESTED, now, "request accepted")),
        Map.of(),
        RunResults.NONE,
        null);
  }

  /** The step this run's current state runs, or null. */
  public RunStep step() {
    return state.step();
  }

  /** A handle, or null. */
  public String handle(String name) {
    return handles.get(name);
  }

  /** Time spent in the current state. */
  public Duration inState(Instant now) {
    return Duration.between(stateEnteredAt, now);
  }

  RetrainRun moveTo(RunState to, Instant now, String reason) {
    List<Transition> h = new ArrayList<>(history);
    h.add(new Transition(state, to, now, reason));
    return new RetrainRun(
        key,
        model,
        request,
        to,
        attempt,
        submitted,
        retryAt,
        createdAt,
        to == state ? stateEnteredAt : now,
        now,
        h,
        handles,
        results,
        failure);
  }

  RetrainRun withAttempt(int newAttempt, boolean newSubmitted, Instant newRetryAt) {
    return new RetrainRun(
        key,
        model,
        request,
        state,
        newAttempt,
        newSubmitted,
        newRetryAt,
        createdAt,
        stateEnteredAt,
        updatedAt,
        history,
        handles,
        results,
        failure);
  }

  RetrainRun withRequest(RunRequest r) {
    return new RetrainRun(
        key,
        model,
        r,
        state,
        attempt,
        submitted,
        retryAt,
        createdAt,
        stateEnteredAt,
        updatedAt,
        history,
        handles,
        results,
        failure);
  }

  RetrainRun withHandles(Map<String, String> more) {
    Map<String, String> h = new TreeMap<>(handles);
    h.putAll(more);
    return new RetrainRun(
        key,
        model,
        request,
        state,
        attempt,
        submitted,
        retryAt,
        createdAt,
        stateEnteredAt,
        updatedAt,
        history,
        h,
        results,
        failure);
  }

  RetrainRun withResults(RunResults r) {
    return new RetrainRun(
        key,
        model,
        request,
        state,
        attempt,
        submitted,
        retryAt,
        createdAt,
        stateEnteredAt,
        updatedAt,
        history,
        handles,
        r,
        failure);
  }

  RetrainRun withFailure(String why) {
    return new RetrainRun(
        key,
        model,
        request,
        state,
        attempt,
        submitted,
        retryAt,
        createdAt,
        stateEnteredAt,
        updatedAt,
        history,
        handles,
        results,
        why);
  }
}
