package io.driftgate.core.monitor;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.run.FinishedRuns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When the drift monitor's reference moves, and to what: pure decisions, engine-free.
 *
 * <p>A run the monitor requested that ends PROMOTED puts a model trained on the run's range {@code
 * [dataFrom, dataTo)} in service, so windows are from then on compared with the profile of that
 * range: the data the champion learnt from. A REJECTED, FAILED or CANCELLED run changes nothing
 * (the old champion still serves; the policy may ask again after the cooldown).
 *
 * <p>The profile of the range is the merge of the monitor's own window profiles of it (the lake's
 * {@code window_profiles}), not the trainer's {@code reference_profile.bin}: the window profiles
 * come from the very profiler the monitor compares with (the same features and kinds from the spec,
 * the same KLL sketches, text and image embedding reservoirs with their fixed seeds, values decoded
 * from the same clean rows), so a re-based reference is exactly what the first-records reference
 * would have been had the monitor started on that range. The trainer's file profiles its training
 * split only, as numeric or categorical (a text or image feature would come back with another kind
 * than the windows', which the comparator cannot compare), and lives in the model directory, which
 * a monitor need not reach.
 */
public final class ReferenceRebase {
  private ReferenceRebase() {}

  /**
   * A re-base to do.
   *
   * @param runKey the promoted run's idempotency key
   * @param trainedOn the range its model was trained on
   * @param referenceId the id reports name the new reference by
   */
  public record Rebase(String runKey, FinishedRuns.TrainedOn trainedOn, String referenceId) {
    public Rebase {
      Objects.requireNonNull(runKey, "runKey");
      Objects.requireNonNull(trainedOn, "trainedOn");
      Objects.requireNonNull(referenceId, "referenceId");
    }
  }

  /**
   * Of the runs released for one window, the one to re-base on: the last promotion (by finish time;
   * ties by release order, the newer request last), since its model is the champion now. None when
   * none was promoted, or when the current reference already is that run's (a replay).
   */
  public static Optional<Rebase> choose(
      String model, Map<String, FinishedRuns.Finished> released, String currentReferenceId) {
    String key = null;
    FinishedRuns.Finished last = null;
    for (Map.Entry<String, FinishedRuns.Finished> e : released.entrySet()) {
      FinishedRuns.Finished f = e.getValue();
      if (f.promoted() && (last == null || !f.at().isBefore(last.at()))) {
        key = e.getKey();
        last = f;
      }
    }
    if (last == null) {
      return Optional.empty();
    }
    String id = referenceId(model, key, last.trainedOn());
    return id.equals(currentReferenceId)
        ? Optional.empty()
        : Optional.of(new Rebase(key, last.trainedOn(), id));
  }

  /** {@code MODEL@trained-FROM-to-TO-run-KEY}: names the range and the run whose model it is. */
  public static String referenceId(String model, String runKey, FinishedRuns.TrainedOn t) {
    return model + "@trained-" + t.from() + "-to-" + t.to() + "-run-" + runKey;
  }

  /**
   * The profile of a training range from stored window profiles: of each window inside {@code
   * [from, to)} its fullest pane (panes accumulate: the late revision with the most rows holds the
   * others), merged in window order; empty when no window of the range was stored.
   */
  public static Optional<DatasetProfile> profile(
      List<WindowProfileSource.Window> stored, FinishedRuns.TrainedOn range) {
    Map<Instant, WindowProfileSource.Window> fullest = new TreeMap<>();
    for (WindowProfileSource.Window w : stored) {
      if (w.start().isBefore(range.from()) || w.end().isAfter(range.to())) {
        continue;
      }
      fullest.merge(
          w.start(), w, (a, b) -> b.profile().rowCount() > a.profile().rowCount() ? b : a);
    }
    if (fullest.isEmpty()) {
      return Optional.empty();
    }
    List<DatasetProfile> inOrder = new ArrayList<>();
    fullest.values().forEach(w -> inOrder.add(w.profile()));
    DatasetProfile merged = DatasetProfile.empty();
    for (DatasetProfile p : inOrder) {
      merged = merged.merge(p);
    }
    return merged.rowCount() == 0 ? Optional.empty() : Optional.of(merged);
  }
}
