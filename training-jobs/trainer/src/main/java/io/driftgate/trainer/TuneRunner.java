package io.driftgate.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.tune.Algorithm;
import io.driftgate.core.tune.Asha;
import io.driftgate.core.tune.InProcessTrialLauncher;
import io.driftgate.core.tune.JavaTrialLauncher;
import io.driftgate.core.tune.LocalStudyRunner;
import io.driftgate.core.tune.Objective;
import io.driftgate.core.tune.SearchSpace;
import io.driftgate.core.tune.StudyFiles;
import io.driftgate.core.tune.StudyResult;
import io.driftgate.core.tune.StudySpec;
import io.driftgate.core.tune.TrialLauncher;
import io.driftgate.core.tune.TrialResult;
import io.driftgate.core.tune.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Hyperparameter tuning with real DJL trials on this machine: builds a {@link StudySpec} (search
 * space, budgets, base params carrying the spec, lake and event-time range), runs it with {@link
 * LocalStudyRunner}, each trial a child JVM running {@link TrialMain} (or a thread, {@link
 * Builder#optInProcess}), and copies the best trial's model to {@code <study>/best-model} with a
 * manifest ({@link ModelDirectory#writeManifest}) and a {@value #TUNING_FILE} naming the trial.
 *
 * <p>Every trial reads the same lake snapshot: the one given ({@link Builder#optSnapshot}), else
 * the one current when the study is first set up, resolved once and stored in study.json with the
 * range, so rows committed while the study runs change no trial.
 *
 * <p>Running again on the same study directory resumes: finished trials are kept. A resumed study
 * keeps the snapshot stored in its study.json unless one is given, and, when no range is given, the
 * stored range (so a grown lake does not change the study); a new one takes the whole snapshot.
 */
public final class TuneRunner {
  /** The best trial's model, under the study directory. */
  public static final String BEST_MODEL = "best-model";

  /** Written into the best model: study, trial, params, objective. */
  public static final String TUNING_FILE = "tuning.json";

  private final Builder b;

  /** The snapshot and range, resolved on first use and then fixed for this runner. */
  private Resolved resolved;

  private TuneRunner(Builder b) {
    this.b = b;
  }

  /** The lake snapshot (records table) and event-time range every trial reads. */
  private record Resolved(Long snapshotId, String from, String to) {}

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The outcome of a tuning run.
   *
   * @param studyDir the study directory
   * @param table study-table.csv
   * @param results results.json
   * @param study every trial's result
   * @param counts trials by status
   * @param bestModel {@code <study>/best-model}, or null when no trial completed
   */
  public record Result(
      Path studyDir,
      Path table,
      Path results,
      StudyResult study,
      Map<TrialStatus, Long> counts,
      Path bestModel) {

    /** The best completed trial. */
    public Optional<TrialResult> best() {
      return study.best();
    }

    public long count(TrialStatus s) {
      return counts.getOrDefault(s, 0L);
    }
  }

  /** The study this runner runs (resolving the range from the lake or the stored study). */
  public StudySpec studySpec() {
    Path study = b.studyDir.toAbsolutePath().normalize();
    Map<String, String> base = new LinkedHashMap<>(b.baseParams);
    base.put(TrialMain.SPEC, b.spec.toAbsolutePath().normalize().toString());
    if (b.lake != null) {
      base.put(TrialMain.LAKE, b.lake.toAbsolutePath().normalize().toString());
    }
    if (b.metadataLocation != null) {
      base.put(TrialMain.METADATA, b.metadataLocation);
    }
    Resolved r = resolve(study);
    base.put(TrialMain.SNAPSHOT, Long.toString(r.snapshotId()));
    base.put(TrialMain.FROM, r.from());
    base.put(TrialMain.TO, r.to());
    if (b.asha != null && !base.containsKey("epochs") && !b.space.params().containsKey("epochs")) {
      base.put("epochs", Integer.toString(b.asha.maxEpochs()));
    }
    StudySpec spec =
        StudySpec.builder(b.space)
            .name(b.name)
            .algorithm(b.algorithm)
            .objective(b.objective)
            .asha(b.asha)
            .maxTrials(b.maxTrials)
            .maxWallTime(b.maxWallTime)
            .parallelism(b.parallelism)
            .trialTimeout(b.trialTimeout)
            .heartbeatTimeout(b.heartbeatTimeout)
            .seed(b.seed)
            .baseParams(base)
            .build();
    validate(spec);
    return spec;
  }

  /** The JVM flags of each trial process (after the inherited module flags). */
  public List<String> trialJvmFlags() {
    List<String> flags = new ArrayList<>();
    flags.add("-Xmx" + b.trialHeap);
    flags.add("-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true"));
    int threads =
        Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, b.parallelism));
    flags.add(
        "-Dai.djl.pytorch.num_threads="
            + System.getProperty("ai.djl.pytorch.num_threads", Integer.toString(threads)));
    flags.add(
        "-Dai.djl.pytorch.num_interop_threads="
            + System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
    flags.addAll(b.jvmFlags);
    return flags;
  }

  /**
   * Writes study.json and every trial's params.json without running anything, for trials run
   * elsewhere ({@code driftgate train --trial <i> --study <dir>}, e.g. a Kubernetes Indexed Job on
   * a shared volume); a later {@link #run()} keeps the trials that finished and runs the rest.
   *
   * @return the study
   * @throws IllegalStateException when the directory holds a different study
   */
  public StudySpec prepare() throws IOException {
    StudySpec spec = studySpec();
    Path study = b.studyDir.toAbsolutePath().normalize();
    for (int i = 0; i < spec.trialCount(); i++) {
      Map<String, String> derived = spec.paramsFor(i);
      Path file = StudyFiles.params(study, i);
      if (Files.isRegularFile(file)) {
        if (!StudyFiles.readParams(file).equals(derived)) {
          throw new IllegalStateException(
              "trial "
                  + i
                  + " in "
                  + study
                  + " has other params: the directory holds another study");
        }
      } else {
        StudyFiles.writeParams(file, derived);
      }
    }
    StudyFiles.writeAtomic(StudyFiles.studyJson(study), spec.toJson() + "\n");
    return spec;
  }

  /** Runs (or resumes) the study and publishes the best model. */
  public Result run() throws IOException {
    StudySpec spec = studySpec();
    Path study = b.studyDir.toAbsolutePath().normalize();
    Map<String, String> env = new LinkedHashMap<>();
    if (System.getenv("OMP_WAIT_POLICY") == null) {
      env.put("OMP_WAIT_POLICY", "PASSIVE"); // no spinning OpenMP threads between trials
    }
    TrialLauncher launcher =
        b.inProcess
            ? new InProcessTrialLauncher(TrialMain::runInProcess)
            : JavaTrialLauncher.builder(TrialMain.class.getName())
                .jvmFlags(trialJvmFlags())
                .environment(env)
                .build();
    return finish(spec, study, b.runner.run(spec, study, launcher), study.toString());
  }

  /**
   * Collects a study whose trials ran elsewhere ({@code driftgate train --trial I --study DIR},
   * e.g. the pods of an Indexed Job) and publishes the best trial's model, running no trial.
   *
   * @throws IllegalStateException when the directory holds no prepared study
   */
  public static Result collect(Path studyDir) throws IOException {
    return collect(studyDir, null);
  }

  /**
   * {@link #collect(Path)} of a local copy of a study kept elsewhere (the artifact store): the best
   * model's {@value #TUNING_FILE} names {@code studyLocation}, not the copy.
   */
  public static Result collect(Path studyDir, String studyLocation) throws IOException {
    Path study = studyDir.toAbsolutePath().normalize();
    Path json = StudyFiles.studyJson(study);
    if (!Files.isRegularFile(json)) {
      throw new IllegalStateException(
          "no study in "
              + study
              + ": "
              + json.getFileName()
              + " is missing (prepare it with driftgate tune --prepare-only)");
    }
    StudySpec spec = StudySpec.fromJson(Files.readString(json));
    return finish(
        spec,
        study,
        LocalStudyRunner.collect(spec, study),
        studyLocation == null ? study.toString() : studyLocation);
  }

  /** Counts the trials and publishes the best one's model. */
  private static Result finish(
      StudySpec spec, Path study, StudyResult result, String studyLocation) {
    Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
    for (TrialResult t : result.trials()) {
      counts.merge(t.status(), 1L, Long::sum);
    }
    Path bestModel = null;
    Optional<TrialResult> best = result.best();
    if (best.isPresent()) {
      bestModel = publishBest(spec, study, best.get(), studyLocation);
    }
    return new Result(
        study,
        StudyFiles.table(study),
        StudyFiles.results(study),
        result,
        Map.copyOf(counts),
        bestModel);
  }

  private static Path publishBest(
      StudySpec spec, Path study, TrialResult best, String studyLocation) {
    Path src = TrialMain.modelDir(study, best.index());
    if (!Files.isDirectory(src)) {
      throw new IllegalStateException(
          "trial " + best.index() + " completed but has no model directory " + src);
    }
    Path dst = study.resolve(BEST_MODEL);
    TrialMain.deleteRecursively(dst);
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path target = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals(ModelDirectory.MANIFEST)) {
          Files.copy(p, target);
        }
      }
      Map<String, Object> tuning = new LinkedHashMap<>();
      tuning.put("study", spec.name());
      tuning.put("studyDir", studyLocation);
      tuning.put("trial", best.index());
      tuning.put("objective", Map.of("name", spec.objective().name(), "value", best.objective()));
      tuning.put("params", new java.util.TreeMap<>(best.params()));
      tuning.put("lakeSnapshot", TrialMain.snapshot(spec.baseParams().get(TrialMain.SNAPSHOT)));
      Trainer.writeJson(dst.resolve(TUNING_FILE), tuning);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + src + " to " + dst, e);
    }
    ModelDirectory.writeManifest(dst);
    return dst;
  }

  /**
   * The snapshot (given, stored in the study, or the lake's current one) and [from, to] as ISO
   * instants (given, stored in the study, or the whole snapshot), resolved once per runner.
   */
  private synchronized Resolved resolve(Path study) {
    if (resolved != null) {
      return resolved;
    }
    JsonNode stored = storedBaseParams(study);
    Long snapshot =
        b.snapshot != null ? b.snapshot : TrialMain.snapshot(text(stored, TrialMain.SNAPSHOT));
    String from = b.from == null ? null : b.from.toString();
    String to = b.to == null ? null : b.to.toString();
    if (b.from == null
        && b.to == null
        && text(stored, TrialMain.FROM) != null
        && text(stored, TrialMain.TO) != null) {
      from = text(stored, TrialMain.FROM);
      to = text(stored, TrialMain.TO);
    }
    if (snapshot == null || from == null || to == null) {
      String f = from;
      String t = to;
      ModelSpec model = SpecLoader.load(b.spec);
      resolved =
          LakeDataset.withLake(
              model,
              b.lake,
              b.metadataLocation,
              snapshot,
              lake -> {
                if (lake.isEmpty()) {
                  throw new IllegalArgumentException(
                      "lake "
                          + (b.metadataLocation != null ? b.metadataLocation : b.lake)
                          + " has no committed data; ingest first (driftgate ingest)");
                }
                LakeRange range = f != null && t != null ? null : LakeRange.resolve(lake, f, t);
                return new Resolved(
                    lake.snapshotId(),
                    f != null ? f : range.from().toString(),
                    t != null ? t : range.to().toString());
              });
    } else {
      resolved = new Resolved(snapshot, from, to);
    }
    return resolved;
  }

  /** The base params of the study already in the directory, or a missing node. */
  private static JsonNode storedBaseParams(Path study) {
    Path stored = StudyFiles.studyJson(study);
    if (!Files.isRegularFile(stored)) {
      return Trainer.JSON.missingNode();
    }
    try {
      return Trainer.JSON.readTree(stored.toFile()).path("baseParams");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stored, e);
    }
  }

  private static String text(JsonNode params, String key) {
    return params.hasNonNull(key) ? params.get(key).asText() : null;
  }

  /** Fails early, with the parameter named, on what every trial would fail on. */
  private static void validate(StudySpec spec) {
    for (String name : spec.space().params().keySet()) {
      if (!TrainParams.KEYS.contains(name)) {
        throw new IllegalArgumentException(
            "search parameter '"
                + name
                + "' is not a training parameter; known: "
                + new TreeSet<>(TrainParams.KEYS));
      }
    }
    ModelSpec model = SpecLoader.load(Path.of(spec.baseParams().get(TrialMain.SPEC)));
    int n = spec.trialCount();
    for (int i = 0; i < Math.min(n, 1000); i++) {
      try {
        TrainParams.forSpec(model, TrialMain.trainingParams(spec.paramsFor(i), i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("trial " + i + ": " + e.getMessage());
      }
    }
  }

  /** Builder; {@code setX} calls are required. */
  public static final class Builder {
    private Path spec;
    private Path lake;
    private Path studyDir;
    private SearchSpace space;
    private Instant from;
    private Instant to;
    private Long snapshot;
    private String metadataLocation;
    private String name = "study";
    private Algorithm algorithm = Algorithm.GRID;
    private Objective objective = Objective.DEFAULT;
    private Asha asha;
    private int maxTrials;
    private Duration maxWallTime;
    private int parallelism = 1;
    private Duration trialTimeout = StudySpec.DEFAULT_TRIAL_TIMEOUT;
    private Duration heartbeatTimeout = StudySpec.DEFAULT_HEARTBEAT_TIMEOUT;
    private long seed = 42L;
    private final Map<String, String> baseParams = new LinkedHashMap<>();
    private final List<String> jvmFlags = new ArrayList<>();
    private String trialHeap = "2g";
    private LocalStudyRunner runner = new LocalStudyRunner();
    private boolean inProcess;

    private Builder() {}

    /**
     * Run each trial on a thread of this JVM ({@link InProcessTrialLauncher}) instead of a child
     * JVM (the default): no JVM start-up, native library load or cold lake classes per trial, for
     * small studies run by a JVM that trains anyway (the demo's local launcher). The trial heap and
     * JVM flags do not apply; trials share this JVM's libtorch threads; trainings take turns from
     * seeding to the saved model (the engine's generator is global), reading and preparing their
     * rows in parallel.
     */
    public Builder optInProcess(boolean v) {
      inProcess = v;
      return this;
    }

    public Builder setSpec(Path v) {
      spec = v;
      return this;
    }

    public Builder setLake(Path v) {
      lake = v;
      return this;
    }

    public Builder setStudyDir(Path v) {
      studyDir = v;
      return this;
    }

    public Builder setSpace(SearchSpace v) {
      space = v;
      return this;
    }

    /** Event-time range {@code [from, to)}; either may be null (see the class comment). */
    public Builder optRange(Instant from, Instant to) {
      this.from = from;
      this.to = to;
      return this;
    }

    /**
     * The lake snapshot (records table) every trial reads; null (the default) pins the one current
     * when the study is first set up (a resumed study keeps its stored one).
     */
    public Builder optSnapshot(Long v) {
      snapshot = v;
      return this;
    }

    /**
     * Trials read the records table from this metadata file, without the catalog (e.g. trial pods
     * that cannot reach it); {@code setLake} is then optional.
     */
    public Builder optMetadataLocation(String v) {
      metadataLocation = v == null || v.isBlank() ? null : v;
      return this;
    }

    public Builder optName(String v) {
      name = v;
      return this;
    }

    public Builder optAlgorithm(Algorithm v) {
      algorithm = v;
      return this;
    }

    public Builder optObjective(Objective v) {
      objective = v;
      return this;
    }

    /** ASHA early stopping; {@code epochs} defaults to its maxEpochs. */
    public Builder optAsha(Asha v) {
      asha = v;
      return this;
    }

    public Builder optMaxTrials(int v) {
      maxTrials = v;
      return this;
    }

    public Builder optMaxWallTime(Duration v) {
      maxWallTime = v;
      return this;
    }

    public Builder optParallelism(int v) {
      parallelism = v;
      return this;
    }

    public Builder optTrialTimeout(Duration v) {
      trialTimeout = v;
      return this;
    }

    public Builder optHeartbeatTimeout(Duration v) {
      heartbeatTimeout = v;
      return this;
    }

    /** Seed of random search (training seeds are the {@code seed} param). */
    public Builder optSeed(long v) {
      seed = v;
      return this;
    }

    /** Params given to every trial: training params ({@link TrainParams#KEYS}), fault hooks. */
    public Builder optBaseParams(Map<String, String> v) {
      v.forEach(
          (k, val) -> {
            if (TrialMain.RESERVED.contains(k)) {
              throw new IllegalArgumentException(
                  "param '"
                      + k
                      + "' is set by the tuner; use --spec, --lake, --from, --to, --snapshot,"
                      + " --metadata-location");
            }
            baseParams.put(k, val);
          });
      return this;
    }

    /** Extra JVM flags of each trial process. */
    public Builder optJvmFlags(List<String> v) {
      jvmFlags.addAll(v);
      return this;
    }

    /** Heap of each trial process, e.g. {@code 2g} (default). */
    public Builder optTrialHeap(String v) {
      trialHeap = v;
      return this;
    }

    /** The study runner (e.g. with a shorter poll interval). */
    public Builder optRunner(LocalStudyRunner v) {
      runner = v;
      return this;
    }

    public TuneRunner build() {
      Objects.requireNonNull(spec, "setSpec is required");
      if (metadataLocation == null) {
        Objects.requireNonNull(lake, "setLake is required");
      }
      Objects.requireNonNull(studyDir, "setStudyDir is required");
      Objects.requireNonNull(space, "setSpace is required");
      if (!Files.isRegularFile(spec)) {
        throw new IllegalArgumentException("spec " + spec + " does not exist");
      }
      if (lake != null && !Files.isDirectory(lake)) {
        throw new IllegalArgumentException("lake " + lake + " is not a directory");
      }
      return new TuneRunner(this);
    }
  }
}
