package io.driftgate.core.tune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.Optional;
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
  private Duration startupGrace = Duration.ofMinutes(1);
  private Duration stopGrace = Duration.ofSeconds(30);
  private volatile boolean abortRequested;
  private final Map<Integer, String> launchErrors = new LinkedHashMap<>();

  /** How often trial files are checked (default 200 ms). */
  public LocalStudyRunner pollInterval(Duration v) {
    pollInterval = v;
    return this;
  }

  /** How long a trial may take to write its first heartbeat, at least (default 1 min). */
  public LocalStudyRunner startupGrace(Duration v) {
    startupGrace = v;
    return this;
  }

  /** How long a trial asked to stop may take to exit before it is killed (default 30 s). */
  public LocalStudyRunner stopGrace(Duration v) {
    stopGrace = v;
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
      params.add(prepareParams(spec, dir, i));
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
          replay(pruner, dir, i, spec.objective());
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

    Map<Integer, Running> running = new LinkedHashMap<>();
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
          for (Running r : running.values()) {
            kill(r.process);
            results[r.index] = skipped(r.index, params.get(r.index), skipReason, r);
          }
          running.clear();
          break;
        }
        while (running.size() < spec.parallelism() && !pending.isEmpty()) {
          int i = pending.poll();
          Running r = launch(spec, dir, i, params.get(i), launcher);
          if (r == null) {
            results[i] = finishLaunchFailure(dir, i, params.get(i));
            report(spec, dir, results, running, params, startNanos);
          } else {
            running.put(i, r);
          }
        }
        boolean changed = false;
        for (Iterator<Running> it = running.values().iterator(); it.hasNext(); ) {
          Running r = it.next();
          TrialResult done = poll(spec, dir, r, pruner);
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
          report(spec, dir, results, running, params, startNanos);
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
      for (Running r : running.values()) {
        kill(r.process);
      }
    }
    for (int i : pending) {
      results[i] = skipped(i, params.get(i), skipReason, null);
    }
    long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    report(spec, dir, results, Map.of(), params, startNanos);
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
  public static StudyResult read(StudySpec spec, Path studyDir) throws IOException {
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

  private static Map<String, String> prepareParams(StudySpec spec, Path dir, int i)
      throws IOException {
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
  private static void replay(AshaPruner pruner, Path dir, int i, Objective objective)
      throws IOException {
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

  private Running launch(
      StudySpec spec, Path dir, int i, Map<String, String> params, TrialLauncher launcher)
      throws IOException {
    killOrphan(dir, i);
    for (Path p :
        List.of(
            StudyFiles.metrics(dir, i),
            StudyFiles.heartbeat(dir, i),
            StudyFiles.status(dir, i),
            StudyFiles.stop(dir, i),
            StudyFiles.pid(dir, i))) {
      Files.deleteIfExists(p);
    }
    Process p;
    try {
      p = launcher.launch(i, dir);
    } catch (IOException | RuntimeException e) {
      LOG.warn("trial {}: launch failed", i, e);
      launchErrors.put(i, String.valueOf(e.getMessage()));
      return null;
    }
    StudyFiles.writeAtomic(StudyFiles.pid(dir, i), Long.toString(p.pid()));
    LOG.info("trial {} started (pid {}): {}", i, p.pid(), params);
    return new Running(i, params, p);
  }

  private TrialResult finishLaunchFailure(Path dir, int i, Map<String, String> params)
      throws IOException {
    String reason = TrialResult.REASON_LAUNCH + launchErrors.remove(i);
    StudyFiles.writeStatus(
        StudyFiles.status(dir, i),
        new StudyFiles.StatusFile(TrialStatus.FAILED, reason, null, Map.of(), 0, 0));
    return new TrialResult(i, params, TrialStatus.FAILED, reason, null, Map.of(), 0, 0);
  }

  /** Kills a process of an earlier (crashed) run that still works on trial {@code i}. */
  private static void killOrphan(Path dir, int i) {
    Path pidFile = StudyFiles.pid(dir, i);
    try {
      if (!Files.isRegularFile(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      if (h.isPresent()) {
        Optional<String> cmd = h.get().info().commandLine();
        if (cmd.isPresent() && cmd.get().contains(dir.toString())) {
          LOG.warn("trial {}: killing orphaned process {} of an earlier run", i, pid);
          h.get().descendants().forEach(ProcessHandle::destroyForcibly);
          h.get().destroyForcibly();
          h.get().onExit().get(10, TimeUnit.SECONDS);
        }
      }
    } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException e) {
      LOG.debug("trial {}: no orphan check: {}", i, e.toString());
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("trial {}: orphaned process did not die", i);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Checks one running trial; returns its result once it has ended. */
  private TrialResult poll(StudySpec spec, Path dir, Running r, AshaPruner pruner)
      throws IOException {
    readNewLines(spec, dir, r, pruner);
    if (r.process.isAlive()) {
      long nowMs = System.currentTimeMillis();
      long ranMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startNanos);
      long beat = readHeartbeat(dir, r.index);
      if (beat > 0) {
        r.sawHeartbeat = true;
      }
      long hbTimeout = spec.heartbeatTimeout().toMillis();
      boolean stale =
          r.sawHeartbeat
              ? nowMs - beat > hbTimeout
              : ranMs > Math.max(hbTimeout, startupGrace.toMillis());
      if (r.nan) {
        kill(r.process);
      } else if (stale) {
        r.failReason = TrialResult.REASON_HEARTBEAT_TIMEOUT;
        kill(r.process);
      } else if (ranMs > spec.trialTimeout().toMillis()) {
        r.failReason = TrialResult.REASON_TRIAL_TIMEOUT;
        kill(r.process);
      } else if (r.stopRequested
          && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.stopNanos)
              > stopGrace.toMillis()) {
        kill(r.process);
      } else {
        return null;
      }
    }
    waitFor(r.process);
    readNewLines(spec, dir, r, pruner);
    return finish(spec, dir, r);
  }

  private TrialResult finish(StudySpec spec, Path dir, Running r) throws IOException {
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

  /** Reads complete lines appended to metrics.jsonl since the last call. */
  private static void readNewLines(StudySpec spec, Path dir, Running r, AshaPruner pruner)
      throws IOException {
    Path f = StudyFiles.metrics(dir, r.index);
    if (!Files.isRegularFile(f)) {
      return;
    }
    byte[] bytes;
    try (SeekableByteChannel ch = Files.newByteChannel(f)) {
      long size = ch.size();
      if (size <= r.offset) {
        return;
      }
      ch.position(r.offset);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - r.offset, 16 << 20));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // fill
      }
      bytes = new byte[buf.position()];
      buf.flip();
      buf.get(bytes);
    }
    int end = -1;
    for (int k = bytes.length - 1; k >= 0; k--) {
      if (bytes[k] == '\n') {
        end = k;
        break;
      }
    }
    if (end < 0) {
      return; // no complete line yet
    }
    r.offset += end + 1;
    String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      StudyFiles.EpochLine e = StudyFiles.parseEpochLine(line);
      if (e == null) {
        continue;
      }
      r.lastEpoch = Math.max(r.lastEpoch, e.epoch());
      r.lastMetrics = e.metrics();
      Double v = e.metrics().get(spec.objective().name());
      if (v == null) {
        continue;
      }
      if (!Double.isFinite(v)) {
        r.nan = true;
        continue;
      }
      r.lastObjective = v;
      if (pruner != null && !r.stopRequested && !r.nan && !pruner.report(r.index, e.epoch(), v)) {
        StudyFiles.writeAtomic(StudyFiles.stop(dir, r.index), "pruned at epoch " + e.epoch());
        r.stopRequested = true;
        r.stopNanos = System.nanoTime();
        LOG.info("trial {}: pruned at epoch {} ({}={})", r.index, e.epoch(), spec.objective(), v);
      }
    }
  }

  private static long readHeartbeat(Path dir, int i) {
    try {
      return Long.parseLong(Files.readString(StudyFiles.heartbeat(dir, i)).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static TrialResult skipped(int i, Map<String, String> params, String reason, Running r) {
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

  private static void report(
      StudySpec spec,
      Path dir,
      TrialResult[] results,
      Map<Integer, Running> running,
      List<Map<String, String>> params,
      long startNanos) {
    List<TrialResult> rows = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i] != null) {
        rows.add(results[i]);
        live.add(results[i].status().name());
      } else {
        Running r = running.get(i);
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

  /** Kills the process and its descendants, and waits for it to end. */
  static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    waitFor(p);
  }

  private static void waitFor(Process p) {
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        LOG.warn("process {} did not end within 30 s of being killed", p.pid());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private static final class Running {
    final int index;
    final Map<String, String> params;
    final Process process;
    final long startNanos = System.nanoTime();
    long offset;
    int lastEpoch;
    Map<String, Double> lastMetrics = Map.of();
    Double lastObjective;
    boolean sawHeartbeat;
    boolean stopRequested;
    long stopNanos;
    boolean nan;
    String failReason;

    Running(int index, Map<String, String> params, Process process) {
      this.index = index;
      this.params = params;
      this.process = process;
    }
  }
}
