package io.driftgate.trainer;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.KllRandom;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.spec.LabelKind;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.trainer.text.TextTraining;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Trains a model on committed lake rows and writes a model directory (the GPU container's training
 * entrypoint; {@link TrainMain} is its command line).
 *
 * <p>Binary and multiclass labels; tabular, image or text features ({@link Modality}: the spec's
 * {@code training.model}, else the modality's default architecture), turned into model input by
 * {@link ModelInput}. The model directory holds: the DJL parameters ({@value
 * #MODEL_NAME}-0000.params), what the input needs (tabular: {@value Preprocessing#FILE_NAME}; text:
 * the tokenizer's vocabulary and settings), {@value #SPEC_FILE} (a copy of the spec), {@value
 * #METRICS_FILE} (validation metrics), {@value #PREDICTIONS_FILE} (event id, event time, label,
 * probability per validation row), {@value #PROFILE_FILE} ({@link DatasetProfile#toBytes()} of the
 * training split) and {@value #TRAINING_FILE} (lake range and snapshot, Kafka offsets of the rows
 * used, seed, params, epochs, durations, engine and devices; task binary/multiclass, classes,
 * modality, input shape and the {@code input} description: an image feature's decoding rule). No
 * manifest: that is added after training by another module.
 */
public final class Trainer {
  public static final String MODEL_NAME = "model";
  public static final String SPEC_FILE = "spec.yaml";
  public static final String METRICS_FILE = "metrics.json";
  public static final String PREDICTIONS_FILE = "validation_predictions.csv";
  public static final String PROFILE_FILE = "reference_profile.bin";
  public static final String TRAINING_FILE = "training.json";

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Held while a training uses a global random generator (the engine's, {@link KllRandom}). */
  private static final java.util.concurrent.locks.ReentrantLock SEEDED =
      new java.util.concurrent.locks.ReentrantLock();

  private Trainer() {}

  /** Runs one training job. */
  public static TrainResult run(TrainRequest request) {
    // a GPU pod whose DJL sees no GPU fails here rather than training on the CPU
    GpuGuard.requireRequestedGpus();
    long start = System.nanoTime();
    ModelSpec spec = SpecLoader.load(request.specFile());
    if (spec.label().kind() == LabelKind.REGRESSION) {
      throw new IllegalArgumentException(
          "label.kind=regression: the trainer supports binary and multiclass labels; fix: declare"
              + " label.kind binary or multiclass");
    }
    Modality modality = Modality.of(spec);
    Map<String, String> overrides = new LinkedHashMap<>(request.params());
    if (request.seed() != null) {
      overrides.put("seed", Long.toString(request.seed()));
    }
    TrainParams params = TrainParams.forSpec(spec, overrides);
    Path out = request.outputDir();
    prepareOutputDir(out);

    LakeDataset data = load(spec, request);
    LakeDataset.Split split = data.split(params.validationFraction());
    int classes = classes(spec, data.rows());
    int outputs = classes == 2 ? 1 : classes;
    int[] trainLabels = labels(split.train(), classes);
    int[] validationLabels = labels(split.validation(), classes);
    long loaded = System.nanoTime();
    long prepared;

    Fitter.Outcome outcome;
    ModelInput input;
    // The engine's random generator is global: trainings in one JVM (in-process tuning trials)
    // take turns from seeding to the saved model, so each one's weights follow its own seed.
    SEEDED.lock();
    try (Model model = Model.newInstance(spec.model())) {
      Engine.getInstance().setRandomSeed((int) params.seed());
      if (modality == Modality.TEXT && params.model().equals("bert")) {
        // the vocabulary comes from the training split; the encoder is saved into out
        String feature = Modality.unstructuredFeature(spec).name();
        prepared = System.nanoTime();
        TextTraining.Trained trained =
            TextTraining.train(
                model,
                texts(split.train(), feature),
                trainLabels,
                texts(split.validation(), feature),
                validationLabels,
                classes,
                params,
                request.listener(),
                out);
        outcome = trained.outcome();
        input = new ModelInput.Text(feature, trained.encoder());
      } else {
        input =
            switch (modality) {
              case TABULAR ->
                  new ModelInput.Tabular(
                      Preprocessing.fit(spec.features(), features(split.train())));
              case IMAGE -> ModelInput.image(Modality.unstructuredFeature(spec));
              case TEXT -> {
                String feature = Modality.unstructuredFeature(spec).name();
                yield new ModelInput.Text(
                    feature, TextTraining.fit(texts(split.train(), feature), params));
              }
            };
        Shape sampleShape = input.sampleShape();
        Fitter.Data train =
            new Fitter.Data(input.encodeAll(features(split.train())), sampleShape, trainLabels);
        Fitter.Data validation =
            new Fitter.Data(
                input.encodeAll(features(split.validation())), sampleShape, validationLabels);
        prepared = System.nanoTime();
        model.setBlock(request.modelFactory().create(params.model(), sampleShape, outputs, params));
        outcome = Fitter.fit(model, train, validation, classes, params, request.listener());
      }
      if (outcome.status() != TrainResult.Status.DIVERGED) {
        model.setProperty("Epoch", Integer.toString(outcome.bestEpoch()));
        model.save(out, MODEL_NAME);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model into " + out, e);
    } finally {
      SEEDED.unlock();
    }
    long fitted = System.nanoTime();
    Shape sampleShape = input.sampleShape();

    if (outcome.status() != TrainResult.Status.DIVERGED) {
      input.save(out);
      copy(request.specFile(), out.resolve(SPEC_FILE));
      writeJson(out.resolve(METRICS_FILE), outcome.validationMetrics());
      writePredictions(out.resolve(PREDICTIONS_FILE), split.validation(), outcome, classes);
      write(out.resolve(PROFILE_FILE), profile(spec, split.train(), params.seed()).toBytes());
    }
    long end = System.nanoTime();

    Map<String, Object> info = new LinkedHashMap<>();
    info.put("model", spec.model());
    info.put("architecture", params.model());
    info.put("status", outcome.status().name());
    info.put("task", classes == 2 ? "binary" : "multiclass");
    info.put("classes", classes);
    info.put("modality", modality.configName());
    info.put("inputShape", sampleShape.getShape());
    info.put("input", input.describe());
    Map<String, Object> lake = new LinkedHashMap<>();
    lake.put(
        "root",
        request.lakeRoot() == null
            ? null
            : request.lakeRoot().toAbsolutePath().normalize().toString());
    lake.put("snapshotId", data.snapshotId());
    lake.put("metadataLocation", data.metadataLocation());
    lake.put("from", Instant.ofEpochMilli(data.from()).toString());
    lake.put("to", Instant.ofEpochMilli(data.to()).toString());
    lake.put("fromMillis", data.from());
    lake.put("toMillis", data.to());
    lake.put("rows", data.rows().size());
    lake.put("unlabeledRows", data.unlabeledRows());
    lake.put("trainRows", split.train().size());
    lake.put("validationRows", split.validation().size());
    lake.put(
        "validationFrom",
        split.validation().isEmpty() ? null : split.validation().get(0).eventTime());
    info.put("lake", lake);
    info.put("kafkaOffsets", offsets(data.offsetRanges()));
    info.put("seed", params.seed());
    info.put("params", params.asMap());
    info.put("epochsRun", outcome.epochsRun());
    info.put("bestEpoch", outcome.bestEpoch());
    info.put("history", outcome.history());
    Map<String, Object> durations = new LinkedHashMap<>();
    durations.put("loadMillis", (loaded - start) / 1_000_000);
    durations.put("preprocessMillis", (prepared - loaded) / 1_000_000);
    durations.put("fitMillis", (fitted - prepared) / 1_000_000);
    durations.put("writeMillis", (end - fitted) / 1_000_000);
    durations.put("totalMillis", (end - start) / 1_000_000);
    info.put("durations", durations);
    Map<String, Object> engine = new LinkedHashMap<>();
    engine.put("name", Engine.getInstance().getEngineName());
    engine.put("version", Engine.getInstance().getVersion());
    engine.put("djlVersion", Engine.getDjlVersion());
    engine.put("devices", outcome.devices());
    engine.put("gpuCount", Engine.getInstance().getGpuCount());
    // CPU results are reproducible for a given libtorch thread count.
    engine.put("numThreads", System.getProperty("ai.djl.pytorch.num_threads"));
    info.put("engine", engine);
    writeJson(out.resolve(TRAINING_FILE), info);

    return new TrainResult(
        outcome.status(),
        out,
        outcome.validationMetrics(),
        outcome.epochsRun(),
        outcome.bestEpoch(),
        outcome.history(),
        split.train().size(),
        split.validation().size(),
        outcome.devices(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * The request's rows from one lake snapshot: the requested one, else the one current now
   * (resolved once; rows committed while training runs are not seen).
   */
  static LakeDataset load(ModelSpec spec, TrainRequest request) {
    return LakeDataset.withLake(
        spec,
        request.lakeRoot(),
        request.metadataLocation(),
        request.snapshotId(),
        lake -> {
          if (lake.isEmpty()) {
            throw new IllegalArgumentException(
                "lake "
                    + (request.metadataLocation() != null
                        ? request.metadataLocation()
                        : request.lakeRoot())
                    + " has no committed data (no snapshot yet); ingest first (driftgate ingest)");
          }
          return LakeDataset.load(spec, lake, request.fromMillis(), request.toMillis());
        });
  }

  static List<Map<String, Object>> features(List<LakeDataset.Row> rows) {
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(r.features()));
    return out;
  }

  /** Binary labels (0 or 1). */
  static int[] labels(List<LakeDataset.Row> rows) {
    return labels(rows, 2);
  }

  /** Class indices, each in {@code [0, classes)}. */
  static int[] labels(List<LakeDataset.Row> rows, int classes) {
    int[] y = new int[rows.size()];
    for (int i = 0; i < y.length; i++) {
      int l = rows.get(i).label();
      if (l < 0 || l >= classes) {
        throw new IllegalArgumentException(
            (classes == 2
                    ? "binary label must be 0 or 1"
                    : "label must be a class in [0, " + classes + ")")
                + ", got "
                + l
                + " (event "
                + rows.get(i).id()
                + ")");
      }
      y[i] = l;
    }
    return y;
  }

  /**
   * Classes of the task: 2 for a binary label; for a multiclass one, the largest declared class
   * ({@code label.classes}) plus one, else the largest label in the rows plus one (at least 2).
   */
  static int classes(ModelSpec spec, List<LakeDataset.Row> rows) {
    if (spec.label().kind() == LabelKind.BINARY) {
      return 2;
    }
    int max = 1;
    if (!spec.label().classes().isEmpty()) {
      for (int c : spec.label().classes()) {
        max = Math.max(max, c);
      }
    } else {
      for (LakeDataset.Row r : rows) {
        max = Math.max(max, r.label());
      }
    }
    return max + 1;
  }

  static List<String> texts(List<LakeDataset.Row> rows, String feature) {
    List<String> out = new ArrayList<>(rows.size());
    for (LakeDataset.Row r : rows) {
      Object v = r.features().get(feature);
      out.add(v == null ? "" : v.toString());
    }
    return out;
  }

  /** The reference profile of the training split, for drift checks against this model. */
  static DatasetProfile profile(ModelSpec spec, List<LakeDataset.Row> rows, long seed) {
    SEEDED.lock(); // KllRandom is global too
    try {
      return seededProfile(spec, rows, seed);
    } finally {
      SEEDED.unlock();
    }
  }

  private static DatasetProfile seededProfile(
      ModelSpec spec, List<LakeDataset.Row> rows, long seed) {
    KllRandom.reseed(seed); // same seed, same sketch bytes
    List<ProfiledFeature> pf = DatasetFiles.features(spec);
    ProfileBuilder b = new ProfileBuilder(pf);
    rows.forEach(r -> b.accept(r.features()));
    return b.build();
  }

  private static Map<String, List<long[]>> offsets(Map<String, OffsetRanges> ranges) {
    Map<String, List<long[]>> out = new LinkedHashMap<>();
    ranges.forEach(
        (k, v) -> out.put(k, v.ranges().stream().map(r -> new long[] {r.from(), r.to()}).toList()));
    return out;
  }

  /**
   * Binary: {@code event_id,event_time,label,probability} (of class 1). Multiclass: {@code
   * event_id,event_time,label,predicted,p0..p(k-1)}.
   */
  private static void writePredictions(
      Path file, List<LakeDataset.Row> rows, Fitter.Outcome outcome, int classes) {
    float[] p = outcome.validationProbabilities();
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      if (classes == 2) {
        w.write("event_id,event_time,label,probability\n");
      } else {
        w.write("event_id,event_time,label,predicted");
        for (int c = 0; c < classes; c++) {
          w.write(",p" + c);
        }
        w.write('\n');
      }
      for (int i = 0; i < rows.size(); i++) {
        LakeDataset.Row r = rows.get(i);
        w.write(csv(r.id()));
        w.write(',');
        w.write(Long.toString(r.eventTime()));
        w.write(',');
        w.write(Integer.toString(r.label()));
        if (classes == 2) {
          w.write(',');
          w.write(Float.toString(p[i]));
        } else {
          int best = 0;
          for (int c = 1; c < classes; c++) {
            if (p[i * classes + c] > p[i * classes + best]) {
              best = c;
            }
          }
          w.write(',');
          w.write(Integer.toString(best));
          for (int c = 0; c < classes; c++) {
            w.write(',');
            w.write(Float.toString(p[i * classes + c]));
          }
        }
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  private static void prepareOutputDir(Path out) {
    try {
      if (Files.exists(out)) {
        try (Stream<Path> s = Files.list(out)) {
          if (s.findAny().isPresent()) {
            throw new IllegalArgumentException("output directory is not empty: " + out);
          }
        }
      }
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
  }

  static void writeJson(Path file, Object value) {
    try {
      Files.write(file, JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from, e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
