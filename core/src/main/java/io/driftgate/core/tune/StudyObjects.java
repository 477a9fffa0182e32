package io.driftgate.core.tune;

import io.driftgate.core.state.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tuning study in the artifact store, under a key prefix, with the layout of a study directory
 * ({@link StudyFiles}): processes that share no folder (the pods of a Kubernetes Indexed Job) work
 * in a local copy and exchange whole objects through the store. No rename, append, link or lock: an
 * object that changes (a trial's heartbeat, its metrics so far) is written again as a whole, and a
 * trial's {@code status.json} is written last, after its model, so that whoever sees the status
 * finds the model.
 *
 * <ul>
 *   <li>preparing: {@link #prepared}, else prepare locally and {@link #uploadPrepared} ({@code
 *       study.json} last: it marks the study as prepared);
 *   <li>a trial: {@link #downloadTrial}, run it in the local copy with a {@link #sync} open (it
 *       writes the heartbeat and metrics as they change), then {@link TrialSync#finish};
 *   <li>collecting: {@link #downloadResults} (no models), {@link #downloadTrialModel} of the best.
 * </ul>
 */
public final class StudyObjects {
  private static final Logger LOG = LoggerFactory.getLogger(StudyObjects.class);

  /** How often a running trial's heartbeat and metrics are written to the store. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(15);

  private static final List<String> TRIAL_RESULTS =
      List.of("params.json", "status.json", "metrics.jsonl", "heartbeat");

  private final ArtifactStore store;
  private final String key;

  /**
   * @param studyKey the study's prefix in the store, e.g. {@code runs/m/r/study}
   */
  public StudyObjects(ArtifactStore store, String studyKey) {
    this.store = Objects.requireNonNull(store, "store");
    Objects.requireNonNull(studyKey, "studyKey");
    this.key = studyKey.endsWith("/") ? studyKey.substring(0, studyKey.length() - 1) : studyKey;
  }

  public String key() {
    return key;
  }

  /** Where the study is: its URL or folder. */
  public String location() {
    return store.location(key);
  }

  private String object(Path local, Path file) {
    return key + "/" + local.relativize(file).toString().replace('\\', '/');
  }

  /** Whether the study was prepared (its {@code study.json} is in the store). */
  public boolean prepared() {
    return store.exists(key + "/study.json");
  }

  /** Writes a locally prepared study: every file, {@code study.json} last. */
  public void uploadPrepared(Path local) {
    Path json = StudyFiles.studyJson(local);
    if (!Files.isRegularFile(json)) {
      throw new IllegalStateException("no prepared study in " + local + ": no study.json");
    }
    for (Path f : files(local)) {
      if (!f.equals(json)) {
        store.putFile(object(local, f), f);
      }
    }
    store.putFile(object(local, json), json);
  }

  /** Copies {@code study.json} and every trial's {@code params.json} into {@code local}. */
  public void downloadPrepared(Path local) {
    download(local, rel -> rel.equals("study.json") || isTrialFile(rel, "params.json"));
  }

  /** Copies {@code study.json} and trial {@code index}'s {@code params.json} into {@code local}. */
  public void downloadTrial(Path local, int index) {
    String params = "trials/" + index + "/params.json";
    if (!store.exists(key + "/study.json") || !store.exists(key + "/" + params)) {
      throw new IllegalStateException(
          "no trial " + index + " in the study at " + location() + " (is it prepared?)");
    }
    download(local, rel -> rel.equals("study.json") || rel.equals(params));
  }

  /**
   * Copies what collecting needs into {@code local}: {@code study.json} and every trial's params,
   * status, metrics and heartbeat; no model.
   */
  public void downloadResults(Path local) {
    download(
        local,
        rel ->
            rel.equals("study.json")
                || TRIAL_RESULTS.stream().anyMatch(name -> isTrialFile(rel, name)));
  }

  /** Copies trial {@code index}'s model into {@code local}'s trial folder; how many files. */
  public int downloadTrialModel(Path local, int index, String modelFolder) {
    String prefix = "trials/" + index + "/" + modelFolder + "/";
    return download(local, rel -> rel.startsWith(prefix));
  }

  /** Writes the study's own reports (study table, results) from {@code local}. */
  public void uploadReports(Path local) {
    for (Path f : List.of(StudyFiles.table(local), StudyFiles.results(local))) {
      if (Files.isRegularFile(f)) {
        store.putFile(object(local, f), f);
      }
    }
  }

  /** The study's objects (keys relative to the study), for messages and tests. */
  public List<String> objects() {
    return store.list(key + "/").stream()
        .map(o -> o.key().substring(key.length() + 1))
        .sorted()
        .toList();
  }

  /**
   * Starts writing trial {@code index}'s heartbeat and metrics from {@code local} to the store
   * every {@code interval} while it runs (when they changed).
   */
  public TrialSync sync(Path local, int index, Duration interval) {
    return new TrialSync(local, index, interval);
  }

  /** A running trial's objects: written while it runs, and finished with its model and status. */
  public final class TrialSync implements AutoCloseable {
    private final Path local;
    private final int index;
    private final ScheduledExecutorService timer;
    private byte[] heartbeat;
    private long metricsSize = -1;
    private boolean finished;

    private TrialSync(Path local, int index, Duration interval) {
      this.local = local;
      this.index = index;
      this.timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "trial-" + index + "-sync");
                t.setDaemon(true);
                return t;
              });
      long ms = Math.max(1, interval.toMillis());
      timer.scheduleWithFixedDelay(this::syncQuietly, 0, ms, TimeUnit.MILLISECONDS);
    }

    private void syncQuietly() {
      try {
        sync();
      } catch (RuntimeException e) { // the next beat tries again; the trial goes on
        LOG.warn("cannot write trial {}'s heartbeat to {}: {}", index, location(), e.toString());
      }
    }

    /** Writes the heartbeat and metrics when they changed since the last write. */
    public synchronized void sync() {
      if (finished) {
        return;
      }
      Path beat = StudyFiles.heartbeat(local, index);
      if (Files.isRegularFile(beat)) {
        byte[] b = read(beat);
        if (b != null && b.length > 0 && !Arrays.equals(b, heartbeat)) {
          store.put(object(local, beat), b);
          heartbeat = b;
        }
      }
      Path metrics = StudyFiles.metrics(local, index);
      if (Files.isRegularFile(metrics)) {
        try {
          long size = Files.size(metrics);
          if (size != metricsSize) {
            store.putFile(object(local, metrics), metrics);
            metricsSize = size;
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    /**
     * Stops the timer and writes what the trial left: every file of its folder but its status, then
     * the status (so a reader that finds the status finds the model).
     */
    public synchronized void finish() {
      stop();
      Path trial = StudyFiles.trialDir(local, index);
      Path status = StudyFiles.status(local, index);
      for (Path f : files(trial)) {
        if (!f.equals(status) && !f.getFileName().toString().equals("pid")) {
          store.putFile(object(local, f), f);
        }
      }
      if (Files.isRegularFile(status)) {
        store.putFile(object(local, status), status);
      }
      finished = true;
    }

    private void stop() {
      timer.shutdownNow();
      try {
        timer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public synchronized void close() {
      stop();
      finished = true;
    }
  }

  /** The best finished trial of the study in the store, read from a local copy of its results. */
  public Optional<TrialResult> best(Path local) throws IOException {
    downloadResults(local);
    Path json = StudyFiles.studyJson(local);
    if (!Files.isRegularFile(json)) {
      return Optional.empty();
    }
    StudySpec spec = StudySpec.fromJson(Files.readString(json));
    return LocalStudyRunner.read(spec, local).best();
  }

  private int download(Path local, Predicate<String> relative) {
    return store.getFolder(key, local, relative);
  }

  private static boolean isTrialFile(String rel, String name) {
    String[] p = rel.split("/");
    return p.length == 3 && p[0].equals("trials") && p[1].matches("\\d+") && p[2].equals(name);
  }

  private static byte[] read(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      return null;
    }
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".tmp"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
