package io.driftgate.trainer;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.tune.StudyFiles;
import io.driftgate.core.tune.StudySpec;
import io.driftgate.core.tune.TrialContext;
import io.driftgate.core.tune.TrialResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One tuning trial with real DJL training: {@code TrialMain --trial <i> --study <dir>} (what {@link
 * TuneRunner} launches and what {@code driftgate train --trial <i> --study <dir>} runs, e.g. as a
 * Kubernetes Indexed Job).
 *
 * <p>The trial's params.json carries {@value #SPEC} (the driftgate.yaml), {@value #LAKE} (the lake
 * root), optional {@value #SNAPSHOT} (the lake snapshot id; default: the current one, resolved once
 * when the trial starts), optional {@value #METADATA} (the records table's metadata file, to read
 * without the catalog; {@value #LAKE} is then optional), optional {@value #FROM} / {@value #TO}
 * (ISO instants, dates or epoch millis; default: the whole snapshot) and training parameters
 * ({@link TrainParams#KEYS}). {@link TuneRunner} pins every trial of a study to one snapshot. The
 * test hook {@code fault.<i>=nan|crash|hang} injects a {@link Fault} into trial {@code i} only
 * (with {@code allowCrash=true} for {@code crash}, so that the process really exits with status 3).
 *
 * <p>The model goes to {@code <study>/trials/<i>/model}. Every epoch is reported to the tuner
 * (which may stop the trial, ASHA); a heartbeat thread keeps the trial alive during long epochs,
 * but stops beating when no epoch has ended for 3× the longest epoch so far (at least 30 s), so a
 * trial hung after its first epoch is caught by the heartbeat timeout (before the first epoch only
 * the trial timeout applies). Exit status: 0 completed or pruned, 2 diverged (FAILED {@code nan}),
 * 1 other errors (FAILED with the message), 64 bad usage.
 */
public final class TrialMain {
  /** Param: the spec file. */
  public static final String SPEC = "spec";

  /** Param: the lake root. */
  public static final String LAKE = "lake";

  /** Param: inclusive start of the event-time range. */
  public static final String FROM = "from";

  /** Param: exclusive end of the event-time range. */
  public static final String TO = "to";

  /** Param: the lake snapshot id (records table) to read. */
  public static final String SNAPSHOT = "snapshot";

  /** Param: the records table's metadata file, to read the lake without the catalog. */
  public static final String METADATA = "metadataLocation";

  /** Prefix of the per-trial fault test hook, {@code fault.<trial index>}. */
  public static final String FAULT_PREFIX = "fault.";

  /**
   * Internal param set by {@link #runInProcess}: the trial runs on a thread of the tuner's JVM, so
   * an injected crash must not end it ({@code allowCrash} is forced off).
   */
  static final String IN_PROCESS = "inProcess";

  /** Params that are not training parameters. */
  public static final Set<String> RESERVED =
      Set.of(SPEC, LAKE, FROM, TO, SNAPSHOT, METADATA, IN_PROCESS);

  /** The model directory inside the trial directory. */
  public static final String MODEL_DIR = "model";

  private TrialMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the trial named by {@code --trial <i> --study <dir>}; returns the exit status. */
  public static int run(String[] args) {
    TrialContext ctx;
    try {
      ctx = TrialContext.fromArgs(args);
    } catch (RuntimeException e) {
      System.err.println("driftgate trial: " + e.getMessage());
      return 64;
    }
    return run(ctx);
  }

  /** Runs an opened trial; every outcome ends in a status (unless the process dies). */
  public static int run(TrialContext ctx) {
    return run(ctx, System.out, false);
  }

  /**
   * Runs trial {@code index} of {@code studyDir} on a thread of this JVM ({@link
   * io.driftgate.core.tune.InProcessTrialLauncher}'s body), logging to {@code log}. An injected
   * crash throws instead of ending the JVM, and an interrupt (the supervisor stopping the trial)
   * fails the trial at the end of the current epoch.
   */
  public static int runInProcess(int index, Path studyDir, PrintStream log) {
    return run(TrialContext.open(studyDir, index), log, true);
  }

  private static int run(TrialContext ctx, PrintStream log, boolean inProcess) {
    try {
      Path model = modelDir(ctx.studyDir(), ctx.index());
      deleteRecursively(model); // a re-run starts from scratch
      TrainResult result;
      Map<String, String> params = ctx.params();
      if (inProcess) {
        params = new LinkedHashMap<>(params);
        params.put(IN_PROCESS, "true");
      }
      try (Heartbeats beats = new Heartbeats(ctx, heartbeatTimeout(ctx.studyDir()))) {
        result =
            Trainer.run(
                request(
                    params,
                    ctx.index(),
                    model,
                    (epoch, metrics) -> {
                      if (inProcess && Thread.currentThread().isInterrupted()) {
                        throw new IllegalStateException(
                            "trial thread interrupted after epoch "
                                + epoch
                                + " (the tuner stopped it)");
                      }
                      beats.epochEnded(metrics.getOrDefault("epoch_millis", 0.0));
                      return ctx.reportEpoch(epoch, metrics);
                    }));
      }
      log.printf(
          "trial %d: %s after %d epochs (best %d) in %d ms: %s%n",
          ctx.index(),
          result.status(),
          result.epochsRun(),
          result.bestEpoch(),
          result.durationMillis(),
          result.metrics());
      if (!result.hasModel()) {
        ctx.fail(TrialResult.REASON_NAN);
        return 2;
      }
      Map<String, Double> metrics = completionMetrics(result);
      Double objective = metrics.get(ctx.objectiveName());
      if (objective == null) {
        ctx.fail(
            "objective "
                + ctx.objectiveName()
                + " is not among the metrics "
                + new TreeMap<>(metrics).keySet());
        return 1;
      }
      ctx.complete(objective, metrics);
      return 0;
    } catch (RuntimeException e) {
      e.printStackTrace(log);
      ctx.fail(e.getMessage() == null ? e.toString() : e.getMessage());
      return 1;
    }
  }

  /** {@code <study>/trials/<i>/model}. */
  public static Path modelDir(Path studyDir, int index) {
    return StudyFiles.trialDir(studyDir, index).resolve(MODEL_DIR);
  }

  /**
   * The training request a trial's params describe (listener may be null). The lake snapshot is
   * resolved here, once (the params' {@value #SNAPSHOT}, else the current one): the default range
   * and the rows trained on come from the same snapshot.
   */
  static TrainRequest request(
      Map<String, String> params, int index, Path outputDir, EpochListener listener) {
    String spec = params.get(SPEC);
    String lake = params.get(LAKE);
    String metadata = params.get(METADATA);
    if (spec == null || (lake == null && metadata == null)) {
      throw new IllegalArgumentException(
          "trial params need '"
              + SPEC
              + "' and '"
              + LAKE
              + "' (or '"
              + METADATA
              + "'), got "
              + params.keySet());
    }
    Long snapshot = snapshot(params.get(SNAPSHOT));
    Path lakeRoot = lake == null ? null : Path.of(lake);
    ModelSpec model = SpecLoader.load(Path.of(spec));
    Pinned pinned =
        LakeDataset.withLake(
            model,
            lakeRoot,
            metadata,
            snapshot,
            l ->
                new Pinned(l.snapshotId(), LakeRange.resolve(l, params.get(FROM), params.get(TO))));
    LakeRange range = pinned.range();
    TrainRequest.Builder b =
        TrainRequest.builder()
            .setSpec(Path.of(spec))
            .setLake(lakeRoot)
            .optSnapshot(pinned.snapshotId())
            .optMetadataLocation(metadata)
            .setRange(range.fromMillis(), range.toMillis())
            .setOutputDir(outputDir)
            .optParams(trainingParams(params, index));
    if (listener != null) {
      b.optEpochListener(listener);
    }
    return b.build();
  }

  /** A trial's lake snapshot and the range resolved on it. */
  private record Pinned(Long snapshotId, LakeRange range) {}

  /** A snapshot id param, or null when absent. */
  static Long snapshot(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "param '" + SNAPSHOT + "': not a lake snapshot id: " + value);
    }
  }

  /**
   * The training parameters of trial {@code index}: params without {@link #RESERVED} keys and
   * {@code fault.<i>} hooks; {@code fault.<index>} becomes {@code fault} (with {@code
   * allowCrash=true} for a crash unless set).
   */
  public static Map<String, String> trainingParams(Map<String, String> params, int index) {
    Map<String, String> out = new LinkedHashMap<>();
    String fault = null;
    for (Map.Entry<String, String> e : params.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(FAULT_PREFIX)) {
        String which = k.substring(FAULT_PREFIX.length());
        if (!which.chars().allMatch(Character::isDigit) || which.isEmpty()) {
          throw new IllegalArgumentException(
              "fault hook " + k + " must be fault.<trial index>=nan|crash|hang");
        }
        if (Integer.parseInt(which) == index) {
          fault = e.getValue();
        }
      } else if (!RESERVED.contains(k)) {
        out.put(k, e.getValue());
      }
    }
    if (fault != null) {
      out.put("fault", fault);
      if (Boolean.parseBoolean(params.get(IN_PROCESS))) {
        out.put("allowCrash", "false"); // a crash would end the tuner's JVM
      } else if (Fault.parse(fault) == Fault.CRASH) {
        out.putIfAbsent("allowCrash", "true");
      }
    }
    return out;
  }

  /**
   * The final validation metrics of the saved model, plus the per-epoch names for the same values
   * ({@code val_loss} = log_loss, {@code val_accuracy}, {@code val_auc}) so that the study's
   * objective can be any of them, and {@code best_epoch}, {@code epochs}.
   */
  static Map<String, Double> completionMetrics(TrainResult r) {
    Map<String, Double> m = new LinkedHashMap<>(r.metrics());
    alias(m, "log_loss", "val_loss");
    alias(m, "accuracy", "val_accuracy");
    alias(m, "roc_auc", "val_auc");
    alias(m, "top5", "val_top5");
    m.put("best_epoch", (double) r.bestEpoch());
    m.put("epochs", (double) r.epochsRun());
    return m;
  }

  private static void alias(Map<String, Double> m, String from, String to) {
    Double v = m.get(from);
    if (v != null) {
      m.putIfAbsent(to, v);
    }
  }

  static Duration heartbeatTimeout(Path studyDir) {
    Path f = StudyFiles.studyJson(studyDir);
    try {
      if (Files.isRegularFile(f)) {
        return StudySpec.fromJson(Files.readString(f)).heartbeatTimeout();
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("trial: cannot read " + f + ": " + e + "; default heartbeat timeout");
    }
    return StudySpec.DEFAULT_HEARTBEAT_TIMEOUT;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /**
   * Heartbeats every quarter of the heartbeat timeout (at most every 10 s) while training makes
   * progress; see the class comment.
   */
  private static final class Heartbeats implements AutoCloseable {
    private static final long MIN_STALL_MS = 30_000;
    private final TrialContext ctx;
    private final Thread thread;
    private volatile long lastEpochEnd; // 0 = no epoch yet
    private volatile double longestEpochMs;

    Heartbeats(TrialContext ctx, Duration timeout) {
      this.ctx = ctx;
      long interval = Math.max(100, Math.min(10_000, timeout.toMillis() / 4));
      thread =
          new Thread(
              () -> {
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(interval);
                    if (!stalled()) {
                      ctx.heartbeat();
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (UncheckedIOException e) {
                  // study dir gone: nothing to beat to
                }
              },
              "trial-heartbeat");
      thread.setDaemon(true);
      thread.start();
    }

    void epochEnded(double epochMillis) {
      longestEpochMs = Math.max(longestEpochMs, epochMillis);
      lastEpochEnd = System.currentTimeMillis();
    }

    boolean stalled() {
      long last = lastEpochEnd;
      long limit = Math.max(MIN_STALL_MS, (long) (3 * longestEpochMs));
      return last > 0 && System.currentTimeMillis() - last > limit;
    }

    @Override
    public void close() {
      thread.interrupt();
      ctx.heartbeat();
    }
  }
}
