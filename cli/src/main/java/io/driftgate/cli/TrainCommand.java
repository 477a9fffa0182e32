package io.driftgate.cli;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.registry.Manifest;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.registry.ModelObjects;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.tune.StudyObjects;
import io.driftgate.core.tune.TrialContext;
import io.driftgate.trainer.LakeDataset;
import io.driftgate.trainer.LakeRange;
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.TrainResult;
import io.driftgate.trainer.Trainer;
import io.driftgate.trainer.TrialMain;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One training run on committed lake rows, or one trial of a study. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a model (DJL) on committed lake rows and write a model directory with a manifest"
          + " (sha256 of every file).",
      "  driftgate train --spec S --lake L [--from ISO --to ISO] [--snapshot ID]"
          + " [--metadata-location FILE] --out DIR [--seed N] [--param k=v]...",
      "Or run one trial of a tuning study (what a Kubernetes Indexed Job runs per trial), in a"
          + " folder or in the spec's artifact store:",
      "  driftgate train --trial I --study DIR",
      "  driftgate train --spec S --trial I --study-key KEY"
    })
final class TrainCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(
      names = "--from",
      description = "Start of the event-time range (ISO instant or date, or epoch millis).")
  String from;

  @Option(names = "--to", description = "End (exclusive). Default range: the whole lake.")
  String to;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description =
          "Lake snapshot (records table) to train on. Default: the current one, resolved once at"
              + " the start (see 'driftgate lake').")
  Long snapshot;

  @Option(
      names = "--metadata-location",
      paramLabel = "FILE",
      description =
          "Read the records table from this metadata file, without the lake's catalog (e.g. a"
              + " pod whose lake volume is read-only); it must hold --snapshot.")
  String metadataLocation;

  @Option(names = "--out", description = "Model directory to create (must not exist or be empty).")
  Path out;

  @Option(names = "--seed", description = "Training seed (overrides the spec's training.seed).")
  Long seed;

  @Option(
      names = "--param",
      description = "Training parameter override k=v (lr, momentum, epochs, hidden, ...).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(
      names = "--trial",
      description =
          "Run trial I of the study in --study (default with --study: $JOB_COMPLETION_INDEX,"
              + " the index of a Kubernetes Indexed Job).")
  Integer trial;

  @Option(names = "--study", description = "Study directory (with --trial).")
  Path study;

  @Option(
      names = "--study-key",
      paramLabel = "KEY",
      description =
          "With --trial: the study in the spec's artifact store (state.artifacts) under this key."
              + " The trial runs in a local copy; its heartbeat and metrics are written to the store"
              + " while it runs, its model and then its status when it ends. No database.")
  String studyKey;

  @Option(
      names = "--out-key",
      paramLabel = "KEY",
      description =
          "Also write the trained model (--out) to the spec's artifact store under this key"
              + " (every file, manifest.json last).")
  String outKey;

  @Option(
      names = "--json",
      description =
          "Print the run as one JSON document (status, epochs, metrics, model) instead of text.")
  boolean json;

  /** How often a trial in the artifact store writes its heartbeat (tests shorten it). */
  static java.time.Duration syncInterval =
      io.driftgate.core.tune.StudyObjects.DEFAULT_SYNC_INTERVAL;

  @Override
  public Integer call() throws Exception {
    if ((study != null || studyKey != null)
        && trial == null
        && System.getenv("JOB_COMPLETION_INDEX") != null) {
      trial = Integer.parseInt(System.getenv("JOB_COMPLETION_INDEX").trim());
    }
    if (study != null && studyKey != null) {
      throw new IllegalArgumentException("give --study DIR or --study-key KEY, not both");
    }
    if (trial != null || study != null || studyKey != null) {
      if (trial == null || (study == null && studyKey == null)) {
        throw new IllegalArgumentException("--trial and --study (or --study-key) go together");
      }
      if (out != null
          || !params.isEmpty()
          || seed != null
          || from != null
          || to != null
          || snapshot != null
          || metadataLocation != null) {
        throw new IllegalArgumentException(
            "--trial runs with the study's params; --out, --param, --seed, --from, --to,"
                + " --snapshot and --metadata-location do not apply");
      }
      if (outKey != null) {
        throw new IllegalArgumentException("--out-key goes with --out, not --trial");
      }
      if (json) {
        throw new IllegalArgumentException(
            "--json is for a training run (--out); a trial writes its results to the study");
      }
      if (studyKey != null) {
        return trialInStore();
      }
      return TrialMain.run(TrialContext.open(study, trial));
    }
    if (out == null) {
      throw new IllegalArgumentException("--out is required (or --trial I --study DIR)");
    }
    ModelSpec spec = specOption.load();
    Path lake = specOption.lake != null ? specOption.lake : spec.lake().path();
    // One snapshot for the range and the rows: a commit in between changes neither.
    Long s =
        snapshot != null
            ? snapshot
            : LakeDataset.withLake(spec, lake, metadataLocation, null, Lake::snapshotId);
    LakeRange range =
        metadataLocation == null
            ? LakeRange.resolve(spec, lake, s, from, to)
            : LakeDataset.withLake(
                spec, lake, metadataLocation, s, l -> LakeRange.resolve(l, from, to));
    TrainRequest.Builder b =
        TrainRequest.builder()
            .setSpec(specOption.spec)
            .setLake(lake)
            .setRange(range.fromMillis(), range.toMillis())
            .setOutputDir(out)
            .optParams(params)
            .optSnapshot(s)
            .optMetadataLocation(metadataLocation);
    if (seed != null) {
      b.optSeed(seed);
    }
    String where = metadataLocation != null ? metadataLocation : lake.toString();
    if (!json) {
      System.out.printf(
          "training %s on lake %s, snapshot %s, range %s%n", spec.model(), where, s, range);
    }
    TrainResult r;
    try (Progress progress = Progress.start("train", "epochs", epochs(spec))) {
      b.optEpochListener(
          (epoch, metrics) -> {
            progress.stepTo(epoch);
            return true;
          });
      r = Trainer.run(b.build());
    }
    Map<String, Object> doc =
        CliJson.train(spec.model(), where, s, range.fromMillis(), range.toMillis(), r);
    if (!json) {
      printHistory(r.history());
    }
    if (!r.hasModel()) {
      if (json) {
        doc.put("modelDir", null);
        CliJson.print(doc);
      } else {
        System.out.printf(
            "DIVERGED after %d epochs (NaN/infinite loss): no model written%n", r.epochsRun());
      }
      return Main.EXIT_NEGATIVE;
    }
    Manifest manifest = ModelDirectory.writeManifest(out);
    String stored = null;
    if (outKey != null) {
      try (ArtifactStore store = ArtifactStore.open(spec)) {
        ModelObjects.putFolder(store, outKey, out);
        stored = store.location(outKey);
      }
    }
    if (json) {
      doc.put("modelDir", out.toAbsolutePath().normalize().toString());
      doc.put("files", manifest.files().size());
      doc.put("contentHash", manifest.contentHash());
      doc.put("stored", stored);
      CliJson.print(doc);
      return 0;
    }
    System.out.printf(
        "%s after %d epochs (best epoch %d), %d train / %d validation rows, %d ms on %s%n",
        r.status(),
        r.epochsRun(),
        r.bestEpoch(),
        r.trainRows(),
        r.validationRows(),
        r.durationMillis(),
        r.devices());
    System.out.println("validation metrics of the saved model:");
    r.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-16s %10.4f%n", k, v));
    System.out.printf(
        "model: %s (%d files in manifest.json, content hash %s)%n",
        out, manifest.files().size(), manifest.contentHash());
    if (stored != null) {
      System.out.println("model written to " + stored);
    }
    return 0;
  }

  /**
   * One trial of a study in the artifact store: a local copy of its study.json and params, the
   * trial run there while its heartbeat and metrics go to the store, then its files and status.
   */
  private int trialInStore() throws java.io.IOException {
    ModelSpec spec = specOption.load();
    Path local = java.nio.file.Files.createTempDirectory("driftgate-trial-");
    try (ArtifactStore store = ArtifactStore.open(spec)) {
      StudyObjects objects = new StudyObjects(store, studyKey);
      objects.downloadTrial(local, trial);
      TrialContext ctx = TrialContext.open(local, trial);
      int rc;
      try (StudyObjects.TrialSync sync = objects.sync(local, trial, syncInterval)) {
        rc = TrialMain.run(ctx);
        sync.finish();
      }
      System.out.printf(
          "trial %d of %s: exit %d, results written to the store%n", trial, objects.location(), rc);
      return rc;
    } finally {
      io.driftgate.core.registry.GateDecision.deleteTree(local);
    }
  }

  /** The epochs a run will train at most: --param epochs, else the spec's (0: not known). */
  private long epochs(ModelSpec spec) {
    String e = params.get("epochs");
    try {
      return e == null ? spec.training().epochs() : Long.parseLong(e.trim());
    } catch (NumberFormatException notANumber) {
      return 0; // the trainer reports the bad value
    }
  }

  static void printHistory(List<Map<String, Double>> history) {
    System.out.printf(
        "%5s %11s %10s %12s %8s %10s %9s%n",
        "epoch", "train_loss", "val_loss", "val_accuracy", "val_auc", "lr", "ms");
    for (int i = 0; i < history.size(); i++) {
      Map<String, Double> m = history.get(i);
      System.out.printf(
          Locale.ROOT,
          "%5d %11.4f %10.4f %12.4f %8.4f %10.5f %9.0f%n",
          i + 1,
          m.getOrDefault("train_loss", Double.NaN),
          m.getOrDefault("val_loss", Double.NaN),
          m.getOrDefault("val_accuracy", Double.NaN),
          m.getOrDefault("val_auc", Double.NaN),
          m.getOrDefault("lr", Double.NaN),
          m.getOrDefault("epoch_millis", Double.NaN));
    }
    for (int i = 0; i < history.size(); i++) {
      System.out.println(metricsLine(i + 1, history.get(i)));
    }
  }

  /** Metrics printed as {@code name=value}, one line per epoch. */
  static final List<String> METRICS_LINE_NAMES =
      List.of("train_loss", "val_loss", "val_accuracy", "val_auc");

  /**
   * One epoch as {@code epoch=1 train_loss=0.61 val_loss=0.58 ...}: the {@code name=value} form
   * that Katib's StdOut metrics collector parses. Non-finite values are left out, as its number
   * pattern cannot read them.
   */
  static String metricsLine(int epoch, Map<String, Double> m) {
    StringBuilder b = new StringBuilder("epoch=").append(epoch);
    for (String name : METRICS_LINE_NAMES) {
      Double v = m.get(name);
      if (v != null && Double.isFinite(v)) {
        b.append(' ').append(name).append('=').append(v);
      }
    }
    return b.toString();
  }
}
