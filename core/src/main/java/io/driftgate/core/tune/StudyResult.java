package io.driftgate.core.tune;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a study run.
 *
 * @param trials every planned trial, by index
 * @param objective the study's objective
 * @param wallMs wall time of this run
 * @param aborted whether {@link LocalStudyRunner#abort()} ended the run
 */
public record StudyResult(
    List<TrialResult> trials, Objective objective, long wallMs, boolean aborted) {

  public StudyResult {
    trials = List.copyOf(trials);
  }

  /** The best COMPLETED trial by objective (ties: lowest index). */
  public Optional<TrialResult> best() {
    return best(trials, objective);
  }

  static Optional<TrialResult> best(List<TrialResult> trials, Objective objective) {
    return trials.stream()
        .filter(t -> t != null && t.status() == TrialStatus.COMPLETED && t.objective() != null)
        .filter(t -> Double.isFinite(t.objective()))
        .min(
            ((Comparator<TrialResult>)
                    (a, b) -> objective.compareBetterFirst(a.objective(), b.objective()))
                .thenComparingInt(TrialResult::index));
  }

  public TrialResult trial(int index) {
    return trials.get(index);
  }

  public long count(TrialStatus status) {
    return trials.stream().filter(t -> t.status() == status).count();
  }
}
