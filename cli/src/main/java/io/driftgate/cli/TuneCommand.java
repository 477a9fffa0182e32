package io.driftgate.cli;

import io.driftgate.core.registry.ModelObjects;
import io.driftgate.core.spec.Durations;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.tune.Algorithm;
import io.driftgate.core.tune.Asha;
import io.driftgate.core.tune.Objective;
import io.driftgate.core.tune.SearchSpace;
import io.driftgate.core.tune.StudyFiles;
import io.driftgate.core.tune.StudyObjects;
import io.driftgate.core.tune.StudySpec;
import io.driftgate.core.tune.TrialResult;
import io.driftgate.core.tune.TrialStatus;
import io.driftgate.trainer.LakeRange;
import io.driftgate.trainer.TrialMain;
import io.driftgate.trainer.TuneRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Hyperparameter tuning: a grid or random study of real training trials on this machine. */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    description = {
      "Tune training parameters: run a study of training trials (child JVMs) on this machine,"
          + " print the study table and publish the best trial's model to <study>/best-model"
          + " (with a manifest). Running again on the same --study resumes it.",
      "Exit status 0 when at least one trial completed.",
      "Example: driftgate tune --study studies/s1 --grid lr=0.01,0.05,0.1 --grid momentum=0.5,0.9"
          + " --parallelism 2 --param epochs=5"
    })
final class TuneCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(names = "--study", description = "Study directory (created/resumed).")
  Path study;

  @Option(
      names = "--study-key",
      paramLabel = "KEY",
      description =
          "The study in the spec's artifact store (state.artifacts) under this key instead of a"
              + " folder, with --prepare-only or --collect: what Kubernetes pods share, whole"
              + " objects only (no shared disk, no database).")
  String studyKey;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "--collect: also copy the best trial's model (with its manifest) here.")
  Path out;

  @Option(
      names = "--out-key",
      paramLabel = "KEY",
      description =
          "--collect: also write the best trial's model to the artifact store under this key"
              + " (every file, manifest.json last).")
  String outKey;

  @Option(
      names = "--grid",
      paramLabel = "k=v1,v2,...",
      description = "A searched parameter and its values (repeatable; grid: all combinations).")
  List<String> grid = new ArrayList<>();

  @Option(
      names = "--uniform",
      paramLabel = "k=lo:hi",
      description = "A parameter drawn uniformly from [lo, hi] (random search).")
  List<String> uniform = new ArrayList<>();

  @Option(
      names = "--log-uniform",
      paramLabel = "k=lo:hi",
      description = "A parameter drawn log-uniformly from [lo, hi] (random search).")
  List<String> logUniform = new ArrayList<>();

  @Option(names = "--random", paramLabel = "N", description = "Random search with N trials.")
  Integer random;

  @Option(names = "--seed", description = "Seed of random search. Default: ${DEFAULT-VALUE}.")
  long seed = 42;

  @Option(
      names = "--asha",
      paramLabel = "min,eta,max",
      description = "ASHA early stopping: first rung (epochs), reduction factor, full epochs.")
  String asha;

  @Option(names = "--parallelism", description = "Trials at once. Default: ${DEFAULT-VALUE}.")
  int parallelism = 1;

  @Option(names = "--max-trials", description = "Trial budget (default: the whole grid).")
  int maxTrials;

  @Option(names = "--max-wall-time", description = "Wall-time budget of this run, e.g. 30m.")
  String maxWallTime;

  @Option(names = "--trial-timeout", description = "Longest a trial may run. Default: 2h.")
  String trialTimeout;

  @Option(
      names = "--heartbeat-timeout",
      description = "Longest a trial may go without a heartbeat. Default: 5m.")
  String heartbeatTimeout;

  @Option(
      names = "--objective",
      description = "Metric to optimise. Default: ${DEFAULT-VALUE} (minimised).")
  String objective = "val_loss";

  @Option(names = "--maximize", description = "Maximise the objective (e.g. val_auc).")
  boolean maximize;

  @Option(
      names = "--param",
      description = "Base training parameter k=v given to every trial (e.g. epochs=5).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--from", description = "Start of the event-time range. Default: whole lake.")
  String from;

  @Option(names = "--to", description = "End of the event-time range (exclusive).")
  String to;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description =
          "Lake snapshot (records table) every trial reads. Default: the one stored in the study,"
              + " else the current one when the study is set up.")
  Long snapshot;

  @Option(
      names = "--metadata-location",
      paramLabel = "FILE",
      description =
          "Trials read the records table from this metadata file, without the lake's catalog"
              + " (e.g. pods whose lake volume is read-only); it must hold --snapshot.")
  String metadataLocation;

  @Option(
      names = "--trial-heap",
      description = "-Xmx of each trial JVM. Default: ${DEFAULT-VALUE}.")
  String trialHeap = "2g";

  @Option(
      names = "--prepare-only",
      description =
          "Write study.json and the trials' params.json, run nothing: run the trials elsewhere"
              + " with 'driftgate train --trial I --study DIR' (e.g. a Kubernetes Indexed Job),"
              + " then run this command again to collect them (finished trials are kept).")
  boolean prepareOnly;

  @Option(
      names = "--collect",
      description =
          "Run nothing: collect the trials of a prepared study that ran elsewhere (e.g. the pods"
              + " of a Kubernetes Indexed Job), print the study table and publish the best trial's"
              + " model to <study>/best-model. Exit status 0 when at least one trial completed.")
  boolean collect;

  @Option(
      names = "--json",
      description = "Print the study (trials, counts, best trial) as one JSON document.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if ((study == null) == (studyKey == null)) {
      throw new IllegalArgumentException("give --study DIR or --study-key KEY (one of them)");
    }
    if (studyKey != null && !prepareOnly && !collect) {
      throw new IllegalArgumentException(
          "--study-key goes with --prepare-only or --collect: the trials of a study in the"
              + " artifact store run elsewhere (driftgate train --trial I --study-key KEY)");
    }
    if ((out != null || outKey != null) && !collect) {
      throw new IllegalArgumentException("--out and --out-key go with --collect");
    }
    if (studyKey != null) {
      return inStore();
    }
    return inFolder(study);
  }

  /**
   * A study in the artifact store: prepared or collected in a local copy, exchanged as whole
   * objects.
   */
  private Integer inStore() throws Exception {
    ModelSpec spec = specOption.load();
    Path local = Files.createTempDirectory("driftgate-study-");
    try (ArtifactStore store = ArtifactStore.open(spec)) {
      StudyObjects objects = new StudyObjects(store, studyKey);
      if (prepareOnly) {
        if (objects.prepared()) {
          objects.downloadPrepared(local);
          int n = StudySpec.fromJson(Files.readString(StudyFiles.studyJson(local))).trialCount();
          System.out.printf("study %s already prepared: %d trials%n", objects.location(), n);
          return 0;
        }
        int rc = inFolder(local);
        if (rc == 0) {
          objects.uploadPrepared(local);
          System.out.printf("study written to %s%n", objects.location());
        }
        return rc;
      }
      // --collect: the trials' results, then the best one's model only
      Optional<TrialResult> best = objects.best(local);
      if (best.isEmpty()) {
        if (!objects.prepared()) {
          throw new IllegalStateException(
              "no study at " + objects.location() + " (prepare it with --prepare-only)");
        }
      } else {
        objects.downloadTrialModel(local, best.get().index(), TrialMain.MODEL_DIR);
      }
      TuneRunner.Result r = TuneRunner.collect(local, objects.location());
      System.out.printf(
          "study %s collected: %d trials%n", objects.location(), r.study().trials().size());
      printTable(
          r, StudySpec.fromJson(Files.readString(StudyFiles.studyJson(r.studyDir()))).space());
      objects.uploadReports(local);
      if (r.bestModel() != null) {
        if (out != null) {
          copyModel(r.bestModel(), out);
          System.out.println("best model: " + out.toAbsolutePath().normalize());
        }
        if (outKey != null) {
          ModelObjects.putFolder(store, outKey, r.bestModel());
          System.out.println("best model written to " + store.location(outKey));
        }
      }
      return r.count(TrialStatus.COMPLETED) > 0 ? 0 : 1;
    } finally {
      io.driftgate.core.registry.GateDecision.deleteTree(local);
    }
  }

  /** Copies a model folder into {@code to} (created; must be empty or absent). */
  static void copyModel(Path from, Path to) throws IOException {
    if (Files.isDirectory(to)) {
      try (var s = Files.list(to)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException("--out: " + to + " is not empty");
        }
      }
    }
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private Integer inFolder(Path study) throws Exception {
    if (collect) {
      if (prepareOnly
          || !grid.isEmpty()
          || !uniform.isEmpty()
          || !logUniform.isEmpty()
          || snapshot != null
          || metadataLocation != null) {
        throw new IllegalArgumentException(
            "--collect reads the study's own study.json: drop --prepare-only, --grid, --uniform,"
                + " --log-uniform, --snapshot and --metadata-location");
      }
      TuneRunner.Result r = TuneRunner.collect(study);
      if (out != null && r.bestModel() != null) {
        copyModel(r.bestModel(), out);
      }
      if (json) {
        CliJson.print(CliJson.tune(study.toString(), r));
      } else {
        System.out.printf("study %s collected: %d trials%n", study, r.study().trials().size());
        printTable(
            r,
            io.driftgate.core.tune.StudySpec.fromJson(
                    java.nio.file.Files.readString(
                        io.driftgate.core.tune.StudyFiles.studyJson(r.studyDir())))
                .space());
      }
      return r.count(TrialStatus.COMPLETED) > 0 ? 0 : 1;
    }
    ModelSpec spec = specOption.load();
    Path lake = specOption.lake != null ? specOption.lake : spec.lake().path();
    SearchSpace space = space();
    TuneRunner.Builder b =
        TuneRunner.builder()
            .setSpec(specOption.spec)
            // with --metadata-location the lake folder is optional (a pod may not mount it)
            .setLake(
                metadataLocation == null || java.nio.file.Files.isDirectory(lake) ? lake : null)
            .setStudyDir(study)
            .setSpace(space)
            .optName(spec.model())
            .optAlgorithm(random == null ? Algorithm.GRID : Algorithm.RANDOM)
            .optMaxTrials(random == null ? maxTrials : random)
            .optSeed(seed)
            .optParallelism(parallelism)
            .optObjective(maximize ? Objective.maximize(objective) : Objective.minimize(objective))
            .optBaseParams(params)
            .optTrialHeap(trialHeap)
            .optRange(instant("--from", from), instant("--to", to))
            .optSnapshot(snapshot)
            .optMetadataLocation(metadataLocation);
    if (random != null && maxTrials > 0) {
      throw new IllegalArgumentException(
          "--random N already sets the trial count; drop --max-trials");
    }
    if (asha != null) {
      b.optAsha(asha(asha));
    }
    if (maxWallTime != null) {
      b.optMaxWallTime(duration("--max-wall-time", maxWallTime));
    }
    if (trialTimeout != null) {
      b.optTrialTimeout(duration("--trial-timeout", trialTimeout));
    }
    if (heartbeatTimeout != null) {
      b.optHeartbeatTimeout(duration("--heartbeat-timeout", heartbeatTimeout));
    }
    TuneRunner runner = b.build();
    if (prepareOnly) {
      int n = runner.prepare().trialCount();
      String where = studyKey != null ? "--study-key " + studyKey : "--study " + study;
      System.out.printf(
          "study %s prepared: %d trials; run each with: driftgate train --trial <0..%d> %s%n",
          studyKey != null ? studyKey : study, n, n - 1, where);
      return 0;
    }
    int trials = runner.studySpec().trialCount();
    if (!json) {
      System.out.printf(
          "study %s: %d trials, parallelism %d, lake %s%n", study, trials, parallelism, lake);
    }
    TuneRunner.Result r;
    try (Progress progress = Progress.start("tune", "trials", trials);
        Progress.Poll poll =
            progress.poll(() -> finished(study, trials), java.time.Duration.ofSeconds(1))) {
      r = runner.run();
      progress.stepTo(r.study().trials().stream().filter(t -> t != null).count());
    }
    if (json) {
      CliJson.print(CliJson.tune(study.toString(), r));
    } else {
      printTable(r, space);
    }
    return r.count(TrialStatus.COMPLETED) > 0 ? 0 : 1;
  }

  /** Trials of the study that have ended (their status file is written when they end). */
  static long finished(Path study, int trials) {
    long n = 0;
    for (int i = 0; i < trials; i++) {
      if (Files.exists(StudyFiles.status(study, i))) {
        n++;
      }
    }
    return n;
  }

  static void printTable(TuneRunner.Result r, SearchSpace space) {
    List<String> names = new ArrayList<>(space.params().keySet());
    StringBuilder header = new StringBuilder(String.format("%5s", "trial"));
    names.forEach(n -> header.append(String.format(" %12s", n)));
    header.append(
        String.format(
            " %12s %-10s %6s %9s  %s", "objective", "status", "epochs", "seconds", "reason"));
    System.out.println(header);
    for (TrialResult t : r.study().trials()) {
      StringBuilder row = new StringBuilder(String.format("%5d", t.index()));
      names.forEach(n -> row.append(String.format(" %12s", t.params().getOrDefault(n, ""))));
      row.append(
          String.format(
              Locale.ROOT,
              " %12s %-10s %6d %9.1f  %s",
              t.objective() == null ? "-" : String.format(Locale.ROOT, "%.6f", t.objective()),
              t.status(),
              t.epochs(),
              t.durationMs() / 1000.0,
              t.reason() == null ? "" : t.reason()));
      System.out.println(row);
    }
    StringBuilder counts = new StringBuilder();
    for (TrialStatus s : TrialStatus.values()) {
      if (r.count(s) > 0) {
        counts.append(counts.length() == 0 ? "" : ", ").append(r.count(s)).append(' ').append(s);
      }
    }
    System.out.printf(
        "%s in %.1f s%s%n",
        counts, r.study().wallMs() / 1000.0, r.study().aborted() ? " (aborted)" : "");
    r.best()
        .ifPresentOrElse(
            best -> {
              Map<String, String> searched = new LinkedHashMap<>();
              names.forEach(n -> searched.put(n, best.params().get(n)));
              System.out.printf(
                  Locale.ROOT,
                  "best: trial %d %s %s=%.6f%n",
                  best.index(),
                  searched,
                  r.study().objective().name(),
                  best.objective());
              System.out.println("best model: " + r.bestModel() + " (manifest.json written)");
            },
            () -> System.out.println("no trial completed: no model"));
    System.out.println("study table: " + r.table() + "   results: " + r.results());
  }

  SearchSpace space() {
    SearchSpace.Builder s = SearchSpace.builder();
    io.driftgate.core.spec.GridParser.fromArgs("--grid", grid)
        .forEach((name, values) -> s.add(name, SearchSpace.choice(values.toArray())));
    for (String u : uniform) {
      double[] lh = bounds("--uniform", u);
      s.add(keyValue("--uniform", u, "k=lo:hi")[0], SearchSpace.uniform(lh[0], lh[1]));
    }
    for (String u : logUniform) {
      double[] lh = bounds("--log-uniform", u);
      s.add(keyValue("--log-uniform", u, "k=lo:hi")[0], SearchSpace.logUniform(lh[0], lh[1]));
    }
    if (grid.isEmpty() && uniform.isEmpty() && logUniform.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to search: give --grid k=v1,v2 (or --uniform / --log-uniform with --random N)");
    }
    if (random == null && (!uniform.isEmpty() || !logUniform.isEmpty())) {
      throw new IllegalArgumentException(
          "--uniform and --log-uniform need random search: add --random N");
    }
    return s.build();
  }

  private static String[] keyValue(String option, String s, String form) {
    int eq = s.indexOf('=');
    if (eq <= 0 || eq == s.length() - 1) {
      throw new IllegalArgumentException(option + " " + s + ": expected " + form);
    }
    return new String[] {s.substring(0, eq).trim(), s.substring(eq + 1).trim()};
  }

  private static double[] bounds(String option, String s) {
    String v = keyValue(option, s, "k=lo:hi")[1];
    String[] p = v.split(":");
    try {
      if (p.length == 2) {
        return new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])};
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(option + " " + s + ": expected k=lo:hi, e.g. lr=0.001:0.1");
  }

  static Asha asha(String s) {
    String[] p = s.split(",");
    try {
      if (p.length == 3) {
        return new Asha(
            Integer.parseInt(p[0].trim()),
            Integer.parseInt(p[1].trim()),
            Integer.parseInt(p[2].trim()));
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("--asha " + s + ": expected min,eta,max, e.g. 1,3,9");
  }

  private static Duration duration(String option, String s) {
    try {
      return Durations.parse(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " " + s + ": " + e.getMessage());
    }
  }

  private static Instant instant(String option, String s) {
    return s == null ? null : Instant.ofEpochMilli(LakeRange.parseInstant(option, s));
  }
}
