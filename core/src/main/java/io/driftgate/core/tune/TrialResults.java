package io.driftgate.core.tune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The results of a study's trials as its files hold them: reads (and checks) the params and status
 * files, decides the final status of an ended trial, and writes the study table and results.
 */
final class TrialResults {
  private TrialResults() {}

  /**
   * Collects a study whose trials ran elsewhere (e.g. the pods of a Kubernetes Indexed Job) from
   * its directory, running nothing: a trial with a final status keeps it; one without (its pod
   * ended before writing one) counts as FAILED with a reason. Writes the study table and results.
   *
   * @throws IllegalStateException when a trial's params.json is missing or differs from the study
   */
  static StudyResult collect(StudySpec spec, Path studyDir) throws IOException {
    StudyResult result = read(spec, studyDir);
    List<Map<String, String>> params = new ArrayList<>();
    result.trials().forEach(t -> params.add(t.params()));
    report(
        spec,
        studyDir.toAbsolutePath(),
        result.trials().toArray(TrialResult[]::new),
        Map.of(),
        params,
        System.nanoTime());
    return result;
  }

  /** {@link #collect} without writing anything: what the study's files say now. */
  static StudyResult read(StudySpec spec, Path studyDir) throws IOException {
    Path dir = studyDir.toAbsolutePath();
    int n = spec.trialCount();
    TrialResult[] results = new TrialResult[n];
    for (int i = 0; i < n; i++) {
      Path file = StudyFiles.params(dir, i);
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException(
            "trial " + i + " of " + dir + " was never prepared: no " + file);
      }
      Map<String, String> p = prepareParams(spec, dir, i);
      StudyFiles.StatusFile st = StudyFiles.readStatus(StudyFiles.status(dir, i));
      results[i] =
          st != null && st.status().isFinal()
              ? new TrialResult(
                  i,
                  p,
                  st.status(),
                  st.reason(),
                  st.objective(),
                  st.metrics(),
                  st.durationMs(),
                  st.epochs())
              : new TrialResult(
                  i,
                  p,
                  TrialStatus.FAILED,
                  "no final status: the process that ran the trial ended without writing "
                      + StudyFiles.status(dir, i).getFileName(),
                  null,
                  Map.of(),
                  0,
                  0);
    }
    return new StudyResult(List.of(results), spec.objective(), 0, false);
  }

  static Map<String, String> prepareParams(StudySpec spec, Path dir, int i) throws IOException {
    Map<String, String> derived = spec.paramsFor(i);
    Path file = StudyFiles.params(dir, i);
    if (Files.isRegularFile(file)) {
      Map<String, String> stored = StudyFiles.readParams(file);
      if (!stored.equals(derived)) {
        throw new IllegalStateException(
            "trial "
                + i
                + " in "
                + dir
                + " has params "
                + stored
                + " but the study derives "
                + derived
                + ": the directory holds a different study (space, algorithm or seed changed)");
      }
      return stored;
    }
    StudyFiles.writeParams(file, derived);
    return derived;
  }

  /** Feeds a finished trial's rung results into the pruner so that resumed decisions match. */
  static void replay(AshaPruner pruner, Path dir, int i, Objective objective) throws IOException {
    Path f = StudyFiles.metrics(dir, i);
    if (!Files.isRegularFile(f)) {
      return;
    }
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      StudyFiles.EpochLine e = StudyFiles.parseEpochLine(line);
      Double v = e == null ? null : e.metrics().get(objective.name());
      if (v != null && !pruner.report(i, e.epoch(), v)) {
        return;
      }
    }
  }

  /** The final result of an ended trial, from its status.json and what it wrote; written back. */
  static TrialResult finish(Path dir, RunningTrial r) throws IOException {
    long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startNanos);
    int exit = r.process.isAlive() ? -1 : r.process.exitValue();
    StudyFiles.StatusFile st = StudyFiles.readStatus(StudyFiles.status(dir, r.index));
    TrialStatus status;
    String reason;
    Double objective = null;
    Map<String, Double> metrics = r.lastMetrics;
    int epochs = r.lastEpoch;
    if (st != null) {
      epochs = Math.max(epochs, st.epochs());
      if (!st.metrics().isEmpty()) {
        metrics = st.metrics();
      }
    }
    if (r.nan
        || (st != null
            && st.status() != TrialStatus.FAILED
            && st.objective() != null
            && !Double.isFinite(st.objective()))) {
      status = TrialStatus.FAILED;
      reason = TrialResult.REASON_NAN;
    } else if (st != null && st.status().isFinal()) {
      status = st.status();
      reason = st.reason();
      objective = st.objective();
      if (status == TrialStatus.COMPLETED && objective == null) {
        status = TrialStatus.FAILED;
        reason = "completed without objective";
      } else if (status == TrialStatus.PRUNED && objective == null) {
        objective = r.lastObjective;
      }
    } else if (r.failReason != null) {
      status = TrialStatus.FAILED;
      reason = r.failReason;
    } else if (r.stopRequested) {
      status = TrialStatus.PRUNED;
      reason = TrialResult.REASON_PRUNED;
      objective = r.lastObjective;
    } else if (exit != 0) {
      status = TrialStatus.FAILED;
      reason = TrialResult.REASON_EXIT_CODE + exit;
    } else {
      status = TrialStatus.FAILED;
      reason = TrialResult.REASON_NO_STATUS;
    }
    StudyFiles.writeStatus(
        StudyFiles.status(dir, r.index),
        new StudyFiles.StatusFile(status, reason, objective, metrics, durationMs, epochs));
    Files.deleteIfExists(StudyFiles.pid(dir, r.index));
    return new TrialResult(
        r.index, r.params, status, reason, objective, metrics, durationMs, epochs);
  }

  static TrialResult skipped(int i, Map<String, String> params, String reason, RunningTrial r) {
    return new TrialResult(
        i,
        params,
        TrialStatus.SKIPPED,
        reason,
        r == null ? null : r.lastObjective,
        r == null ? Map.of() : r.lastMetrics,
        r == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startNanos),
        r == null ? 0 : r.lastEpoch);
  }

  static void report(
      StudySpec spec,
      Path dir,
      TrialResult[] results,
      Map<Integer, RunningTrial> running,
      List<Map<String, String>> params,
      long startNanos) {
    List<TrialResult> rows = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i] != null) {
        rows.add(results[i]);
        live.add(results[i].status().name());
      } else {
        RunningTrial r = running.get(i);
        rows.add(
            new TrialResult(
                i,
                params.get(i),
                TrialStatus.SKIPPED,
                null,
                r == null ? null : r.lastObjective,
                r == null ? Map.of() : r.lastMetrics,
                0,
                r == null ? 0 : r.lastEpoch));
        live.add(r == null ? "PENDING" : "RUNNING");
      }
    }
    try {
      StudyFiles.writeReport(
          dir, spec, rows, live, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
