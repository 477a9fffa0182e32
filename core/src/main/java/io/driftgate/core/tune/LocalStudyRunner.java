package io.driftgate.core.tune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a study on this machine: launches up to {@code parallelism} trial processes, watches their
 * heartbeat and metrics files by polling (every {@link #pollInterval(Duration)}), and ends every
 * trial with a status, whatever the trial does:
 *
 * <ul>
 *   <li>NaN/Inf objective in metrics.jsonl or status.json: killed if alive, FAILED {@code nan};
 *   <li>no heartbeat for {@code heartbeatTimeout} (before the first heartbeat: the larger of that
 *       and the startup grace): killed, FAILED {@code heartbeat timeout};
 *   <li>running past {@code trialTimeout}: killed, FAILED {@code trial timeout};
 *   <li>exit without status.json: FAILED {@code exit code N} (or {@code exited without status});
 *   <li>ASHA: {@code stop} is written; the trial ends PRUNED (killed after the stop grace).
 * </ul>
 *
 * Budgets: {@code maxTrials} (the study's trial count) and {@code maxWallTime}: when it runs out,
 * running trials are killed and they and the unstarted ones end SKIPPED. SKIPPED is not written to
 * disk, so a later run resumes them.
 *
 * <p>Resume: running again on the same directory keeps trials with a final status.json, re-runs the
 * others from scratch (killing an orphaned process of a crashed run first) and refuses a directory
 * whose params.json files differ from what the spec derives. After every finished trial the runner
 * rewrites study-table.csv and results.json.
 */
public final class LocalStudyRunner {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStudyRunner.class);

  private Duration pollInterval = Duration.ofMillis(200);
  private final TrialSupervisor supervisor = new TrialSupervisor();
  private volatile boolean abortRequested;

  /** How often trial files are checked (default 200 ms). */
  public LocalStudyRunner pollInterval(Duration v) {
    pollInterval = v;
    return this;
  }

  /** How long a trial may take to write its first heartbeat, at least (default 1 min). */
  public LocalStudyRunner startupGrace(Duration v) {
    supervisor.startupGrace(v);
    return this;
  }

  /** How long a trial asked to stop may take to exit before it is killed (default 30 s). */
  public LocalStudyRunner stopGrace(Duration v) {
    supervisor.stopGrace(v);
    return this;
  }

  /**
   * Ends a run in progress as a crash would: running trials are killed and keep no status, so a
   * later run re-runs them. Safe to call from any thread.
   */
  public void abort() {
    abortRequested = true;
  }

  /** Runs (or resumes) the study in {@code studyDir}. */
  public StudyResult run(StudySpec spec, Path studyDir, TrialLauncher launcher) throws IOException {
    abortRequested = false;
    Path dir = studyDir.toAbsolutePath();
    long startNanos = System.nanoTime();
    Files.createDirectories(dir.resolve("trials"));
    int n = spec.trialCount();
    List<Map<String, String>> params = new ArrayList<>(n);
    TrialResult[] results = new TrialResult[n];
    AshaPruner pruner = spec.asha() == null ? null : new AshaPruner(spec.asha(), spec.objective());
    Deque<Integer> pending = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      params.add(TrialResults.prepareParams(spec, dir, i));
    }
    StudyFiles.writeAtomic(StudyFiles.studyJson(dir), spec.toJson() + "\n");
    for (int i = 0; i < n; i++) {
      StudyFiles.StatusFile st = StudyFiles.readStatus(StudyFiles.status(dir, i));
      if (st != null && st.status().isFinal()) {
        results[i] =
            new TrialResult(
                i,
                params.get(i),
                st.status(),
                st.reason(),
                st.objective(),
                st.metrics(),
                st.durationMs(),
                st.epochs());
        if (pruner != null) {
          TrialResults.replay(pruner, dir, i, spec.objective());
        }
      } else {
        pending.add(i);
      }
    }
    LOG.info(
        "study {}: {} trials, {} done, {} to run, parallelism {}",
        spec.name(),
        n,
        n - pending.size(),
        pending.size(),
        spec.parallelism());

    Map<Integer, RunningTrial> running = new LinkedHashMap<>();
    String skipReason = null;
    try {
      while (true) {
        if (abortRequested || Thread.currentThread().isInterrupted()) {
          skipReason = TrialResult.REASON_ABORTED;
        } else if (spec.maxWallTime() != null
            && System.nanoTime() - startNanos > spec.maxWallTime().toNanos()) {
          skipReason = TrialResult.REASON_WALL_TIME;
        }
        if (skipReason != null) {
          for (RunningTrial r : running.values()) {
            TrialSupervisor.kill(r.process);
            results[r.index] = TrialResults.skipped(r.index, params.get(r.index), skipReason, r);
          }
          running.clear();
          break;
        }
        while (running.size() < spec.parallelism() && !pending.isEmpty()) {
          int i = pending.poll();
          RunningTrial r = supervisor.launch(spec, dir, i, params.get(i), launcher);
          if (r == null) {
            results[i] = supervisor.launchFailed(dir, i, params.get(i));
            TrialResults.report(spec, dir, results, running, params, startNanos);
          } else {
            running.put(i, r);
          }
        }
        boolean changed = false;
        for (Iterator<RunningTrial> it = running.values().iterator(); it.hasNext(); ) {
          RunningTrial r = it.next();
          TrialResult done = supervisor.poll(spec, dir, r, pruner);
          if (done != null) {
            it.remove();
            results[r.index] = done;
            changed = true;
            LOG.info(
                "trial {} {}{} objective={} epochs={} in {} ms",
                done.index(),
                done.status(),
                done.reason() == null ? "" : " (" + done.reason() + ")",
                done.objective(),
                done.epochs(),
                done.durationMs());
          }
        }
        if (changed) {
          TrialResults.report(spec, dir, results, running, params, startNanos);
        }
        if (running.isEmpty() && pending.isEmpty()) {
          break;
        }
        try {
          Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      for (RunningTrial r : running.values()) {
        TrialSupervisor.kill(r.process);
      }
    }
    for (int i : pending) {
      results[i] = TrialResults.skipped(i, params.get(i), skipReason, null);
    }
    long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    TrialResults.report(spec, dir, results, Map.of(), params, startNanos);
    StudyResult result =
        new StudyResult(
            List.of(results),
            spec.objective(),
            wallMs,
            TrialResult.REASON_ABORTED.equals(skipReason));
    LOG.info(
        "study {} done in {} ms: best {}",
        spec.name(),
        wallMs,
        result.best().map(t -> "trial " + t.index() + " " + t.objective()).orElse("none"));
    return result;
  }

  /**
   * Collects a study whose trials ran elsewhere (e.g. the pods of a Kubernetes Indexed Job) from
   * its directory, running nothing: a trial with a final status keeps it; one without (its pod
   * ended before writing one) counts as FAILED with a reason. Writes the study table and results.
   *
   * @throws IllegalStateException when a trial's params.json is missing or differs from the study
   */
  public static StudyResult collect(StudySpec spec, Path studyDir) throws IOException {
    return TrialResults.collect(spec, studyDir);
  }

  /** {@link #collect} without writing anything: what the study's files say now. */
  public static StudyResult read(StudySpec spec, Path studyDir) throws IOException {
    return TrialResults.read(spec, studyDir);
  }
}
