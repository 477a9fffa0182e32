package io.driftgate.core.tune;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The trial side of the study directory, used inside the trial process. Typical use:
 *
 * <pre>{@code
 * TrialContext ctx = TrialContext.fromArgs(args); // --trial <i> --study <dir>
 * for (int epoch = 1; epoch <= epochs; epoch++) {
 *   ... train ...
 *   if (!ctx.reportEpoch(epoch, Map.of("val_loss", loss))) break; // pruned, or NaN
 * }
 * ctx.complete(bestLoss, metrics); // written as PRUNED if the tuner asked to stop
 * }</pre>
 *
 * The first final call ({@link #complete}, {@link #fail}) wins; later ones are ignored.
 */
public final class TrialContext {
  private final Path study;
  private final int index;
  private final Map<String, String> params;
  private final String objectiveName;
  private final long openedAt = System.currentTimeMillis();
  private int lastEpoch;
  private boolean finished;

  private TrialContext(Path study, int index, Map<String, String> params, String objectiveName) {
    this.study = study;
    this.index = index;
    this.params = Map.copyOf(params);
    this.objectiveName = objectiveName;
  }

  /**
   * Opens trial {@code index} of the study: reads its params.json (and the objective name from
   * study.json) and writes a first heartbeat.
   *
   * @throws IllegalStateException when the trial has no params.json
   */
  public static TrialContext open(Path study, int index) {
    Path paramsFile = StudyFiles.params(study, index);
    if (!Files.isRegularFile(paramsFile)) {
      throw new IllegalStateException("no " + paramsFile + ": not a trial of this study");
    }
    try {
      Map<String, String> params = StudyFiles.readParams(paramsFile);
      String objective = Objective.DEFAULT.name();
      Path specFile = StudyFiles.studyJson(study);
      if (Files.isRegularFile(specFile)) {
        JsonNode n = StudyFiles.JSON.readTree(Files.readString(specFile)).path("objective");
        if (n.hasNonNull("name")) {
          objective = n.get("name").asText();
        }
      }
      TrialContext ctx = new TrialContext(study, index, params, objective);
      ctx.heartbeat();
      return ctx;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens the trial named by {@code --trial <i> --study <dir>} in a trial's main arguments. */
  public static TrialContext fromArgs(String[] args) {
    Integer trial = null;
    Path study = null;
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--trial")) {
        trial = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--study")) {
        study = Path.of(args[++i]);
      }
    }
    if (trial == null || study == null) {
      throw new IllegalArgumentException("usage: --trial <index> --study <dir>");
    }
    return open(study, trial);
  }

  public int index() {
    return index;
  }

  public Path studyDir() {
    return study;
  }

  public Path trialDir() {
    return StudyFiles.trialDir(study, index);
  }

  public Map<String, String> params() {
    return params;
  }

  public String param(String name, String dflt) {
    return params.getOrDefault(name, dflt);
  }

  public double doubleParam(String name, double dflt) {
    String v = params.get(name);
    return v == null ? dflt : Double.parseDouble(v);
  }

  public int intParam(String name, int dflt) {
    String v = params.get(name);
    return v == null ? dflt : (int) Double.parseDouble(v);
  }

  /** The metric the tuner optimises (from study.json; val_loss when absent). */
  public String objectiveName() {
    return objectiveName;
  }

  /** Whether the tuner asked this trial to stop. */
  public boolean stopRequested() {
    return Files.exists(StudyFiles.stop(study, index));
  }

  /**
   * Appends the epoch's metrics to metrics.jsonl and writes a heartbeat. A non-finite objective
   * marks the trial FAILED with reason {@code nan}.
   *
   * @return false when the trial should stop: the tuner asked it to, or the objective is NaN/Inf
   */
  public synchronized boolean reportEpoch(int epoch, Map<String, Double> metrics) {
    try {
      StudyFiles.append(
          StudyFiles.metrics(study, index),
          StudyFiles.epochLine(epoch, System.currentTimeMillis(), metrics));
      lastEpoch = Math.max(lastEpoch, epoch);
      heartbeat();
      Double objective = metrics.get(objectiveName);
      if (objective != null && !Double.isFinite(objective)) {
        finish(TrialStatus.FAILED, TrialResult.REASON_NAN, null, metrics);
        return false;
      }
      return !stopRequested();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the current time to the heartbeat file (atomically). */
  public synchronized void heartbeat() {
    try {
      StudyFiles.writeAtomic(
          StudyFiles.heartbeat(study, index), Long.toString(System.currentTimeMillis()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Heartbeats from a daemon thread until closed, for epochs longer than the heartbeat timeout.
   * Note that a training loop stuck while this runs is caught by the trial timeout only.
   */
  public AutoCloseable heartbeatEvery(Duration interval) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(interval.toMillis());
                  heartbeat();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (UncheckedIOException e) {
                // study dir gone: nothing to beat to
              }
            },
            "trial-heartbeat");
    t.setDaemon(true);
    t.start();
    return t::interrupt;
  }

  /**
   * Ends the trial: COMPLETED with the objective, PRUNED when the tuner asked it to stop, FAILED
   * {@code nan} when the objective is not finite.
   */
  public synchronized void complete(double objective, Map<String, Double> metrics) {
    if (!Double.isFinite(objective)) {
      finish(TrialStatus.FAILED, TrialResult.REASON_NAN, null, metrics);
    } else if (stopRequested()) {
      finish(TrialStatus.PRUNED, TrialResult.REASON_PRUNED, objective, metrics);
    } else {
      finish(TrialStatus.COMPLETED, null, objective, metrics);
    }
  }

  /** Ends the trial as FAILED with the reason. */
  public synchronized void fail(String reason) {
    finish(TrialStatus.FAILED, reason, null, Map.of());
  }

  private void finish(
      TrialStatus status, String reason, Double objective, Map<String, Double> metrics) {
    if (finished) {
      return;
    }
    finished = true;
    try {
      StudyFiles.writeStatus(
          StudyFiles.status(study, index),
          new StudyFiles.StatusFile(
              status,
              reason,
              objective,
              metrics,
              System.currentTimeMillis() - openedAt,
              lastEpoch));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
