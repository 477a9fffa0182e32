package io.driftgate.core.tune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises the processes of a local study's trials: launches one (killing an orphan of a crashed
 * run first), kills it on a NaN objective, a stale heartbeat, a trial timeout or an unanswered
 * stop, and waits for it to end.
 */
final class TrialSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(TrialSupervisor.class);

  private Duration startupGrace = Duration.ofMinutes(1);
  private Duration stopGrace = Duration.ofSeconds(30);
  private final Map<Integer, String> launchErrors = new LinkedHashMap<>();

  void startupGrace(Duration v) {
    startupGrace = v;
  }

  void stopGrace(Duration v) {
    stopGrace = v;
  }

  /**
   * Starts trial {@code i} afresh; null when it could not be launched (see {@link #launchFailed}).
   */
  RunningTrial launch(
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
    OptionalLong pid = pidOf(p);
    if (pid.isPresent()) {
      StudyFiles.writeAtomic(StudyFiles.pid(dir, i), Long.toString(pid.getAsLong()));
    }
    LOG.info("trial {} started ({}): {}", i, describe(p), params);
    return new RunningTrial(i, params, p);
  }

  /** Records why trial {@code i} could not be launched: FAILED with the launcher's error. */
  TrialResult launchFailed(Path dir, int i, Map<String, String> params) throws IOException {
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
  TrialResult poll(StudySpec spec, Path dir, RunningTrial r, AshaPruner pruner) throws IOException {
    RunningTrial.readNewLines(spec, dir, r, pruner);
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
    RunningTrial.readNewLines(spec, dir, r, pruner);
    return TrialResults.finish(dir, r);
  }

  private static long readHeartbeat(Path dir, int i) {
    try {
      return Long.parseLong(Files.readString(StudyFiles.heartbeat(dir, i)).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The process id, or none for a trial without one ({@link InProcessTrialLauncher}: a thread, so
   * no pid file and no orphan to kill after a crash, which takes the thread with it).
   */
  static OptionalLong pidOf(Process p) {
    try {
      return OptionalLong.of(p.pid());
    } catch (UnsupportedOperationException e) {
      return OptionalLong.empty();
    }
  }

  private static String describe(Process p) {
    OptionalLong pid = pidOf(p);
    return pid.isPresent() ? "pid " + pid.getAsLong() : p.toString();
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
        LOG.warn("{} did not end within 30 s of being killed", describe(p));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }
}
