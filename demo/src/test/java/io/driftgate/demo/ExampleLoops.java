package io.driftgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.FeatureDrift;
import io.driftgate.schemas.RetrainRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The image and text examples' loop ITs share this: a few thousand records of the example's real
 * corpus (reference 3,000, windows of 600), a drift injected at record 3,600, 2% invalid records of
 * the modality's kinds, through the embedded broker, Beam on local Flink, the lake and the monitor.
 */
final class ExampleLoops {
  static final long RECORDS = 5_400;
  static final long DRIFT_AT = 3_600;
  static final long SEED = 18;
  static final double INVALID = 0.02;

  private ExampleLoops() {}

  /** What one run gave: the result, everything it printed, and the demo's work folder. */
  record Run(Demo.Result result, String out, ModelSpec spec, DemoStream stream, Path demoDir) {}

  /**
   * The example's loop with {@code epochs} per trial and the IT's own gate floor: the trials and
   * the gate read a copy of the example's spec ({@link #specWithFloor}) whose {@code gate.floors}
   * is {@code {accuracy: floor}}; the example's floors are set for the demo's training (more rows,
   * 6 epochs), which the IT does not run (it stays quick).
   */
  static Run run(Example example, int epochs, double floor, Path work) throws Exception {
    Path specFile = example.spec(Path.of("../examples"));
    Path itSpec = specWithFloor(specFile, work.resolve("spec"), floor);
    return run(example, Example.training(itSpec, SEED, epochs), work.resolve("demo"));
  }

  /**
   * A copy of {@code specFile} in {@code dir} with its schema path made absolute and its {@code
   * floors:} line (there must be exactly one) replaced by {@code floors: {accuracy: floor}}.
   */
  static Path specWithFloor(Path specFile, Path dir, double floor) throws java.io.IOException {
    String yaml = java.nio.file.Files.readString(specFile);
    String schema = SpecLoader.load(specFile).source().schemaFile().toString();
    List<String> lines = new java.util.ArrayList<>();
    int floors = 0;
    for (String line : yaml.split("\n", -1)) {
      String t = line.strip();
      if (t.startsWith("schema:")) {
        line = line.substring(0, line.indexOf("schema:")) + "schema: " + schema;
      } else if (t.startsWith("floors:")) {
        line = line.substring(0, line.indexOf("floors:")) + "floors: {accuracy: " + floor + "}";
        floors++;
      }
      lines.add(line);
    }
    assertThat(floors).as("floors: lines in " + specFile).isEqualTo(1);
    java.nio.file.Files.createDirectories(dir);
    Path out = dir.resolve("driftgate.yaml");
    java.nio.file.Files.writeString(out, String.join("\n", lines));
    assertThat(SpecLoader.load(out).gate().floors()).isEqualTo(Map.of("accuracy", floor));
    return out;
  }

  static Run run(Example example, Demo.Training training, Path work) throws Exception {
    Path specFile = example.spec(Path.of("../examples"));
    ModelSpec spec = SpecLoader.load(specFile);
    DemoStream stream = example.stream(specFile, spec, RECORDS, DRIFT_AT, SEED, INVALID);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Demo.Result r =
        Demo.run(
            spec,
            training,
            null,
            stream,
            2,
            work,
            new PrintStream(text, true, StandardCharsets.UTF_8),
            false,
            "--parallelism=1");
    return new Run(r, text.toString(StandardCharsets.UTF_8), spec, stream, work);
  }

  /**
   * Nothing lost, per kind: lake rows + dead letters = produced, and each invalid kind the producer
   * wrote is in the dead letters as often.
   */
  static void assertAccounted(Run run, List<ErrorKind> kinds) {
    Demo.Result r = run.result();
    assertThat(r.balanced()).as(run.out()).isTrue();
    assertThat(r.produced().total()).isEqualTo(RECORDS);
    assertThat(r.lakeRows() + r.deadLetters()).isEqualTo(RECORDS);
    Map<String, Long> produced =
        r.produced().malformedByKind().entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
    assertThat(produced.keySet())
        .containsExactlyInAnyOrderElementsOf(kinds.stream().map(Enum::name).toList());
    assertThat(new TreeMap<>(r.deadLettersByKind()))
        .as(run.out())
        .isEqualTo(new TreeMap<>(produced));
    assertThat(r.deadLetterKindsNotAsProduced()).isEmpty();
    assertThat(run.out()).containsPattern("accounting per kind +OK");
  }

  /**
   * The injected drift is what triggers the request: exactly one request, for reason drift, whose
   * trigger window is after the onset, and whose evidence reports show the feature drifted on
   * {@code metric} (p below alpha, or a distance at or above the threshold); no window before the
   * onset drifted.
   */
  static RetrainRequest assertDriftTriggered(Run run, String metric) {
    Demo.Result r = run.result();
    assertThat(r.requests()).as(run.out()).hasSize(1);
    RetrainRequest req = r.requests().get(0);
    assertThat(req.getReasons()).as(run.out()).containsExactly("drift");
    Instant onset = Instant.ofEpochMilli(run.stream().eventTimeMillis(DRIFT_AT));
    assertThat(req.getTriggerWindowEnd()).as(run.out()).isAfter(onset);
    String feature = run.spec().features().get(0).name();
    List<DriftReport> evidence =
        r.reports().stream()
            .filter(rep -> req.getEvidenceReportIds().contains(rep.getReportId()))
            .toList();
    assertThat(evidence).as(run.out()).isNotEmpty();
    for (DriftReport rep : evidence) {
      assertThat(rep.getWindowEnd()).as(run.out()).isAfter(onset);
      FeatureDrift f =
          rep.getFeatures().stream()
              .filter(fd -> fd.getName().equals(feature) && fd.getMetric().equals(metric))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no " + metric + " on " + feature + ": " + rep));
      assertThat(f.getDrifted()).as(rep.toString()).isTrue();
      if (f.getPValue() != null) {
        // a test: drift when p is below alpha
        assertThat(f.getPValue()).as(rep.toString()).isLessThan(f.getThreshold());
      } else {
        // a distance: drift at or above the threshold
        assertThat(f.getScore()).as(rep.toString()).isGreaterThanOrEqualTo(f.getThreshold());
      }
    }
    return req;
  }

  /**
   * The request's run went through the whole lifecycle to PROMOTED (no champion before: the spec's
   * floors), its version is the champion, and the gate report holds the attributions; returns the
   * gate's test of that run.
   */
  static Demo.GateTest assertPromoted(Run run, RetrainRequest req) {
    Path work = run.demoDir();
    Demo.Result r = run.result();
    List<RetrainRun> stored =
        JdbcRunStore.open(run.spec().withLakePath(work.resolve("lake")).state()).list();
    assertThat(stored).as(run.out()).hasSize(1);
    RetrainRun stored0 = stored.get(0);
    assertThat(stored0.key()).isEqualTo(req.getIdempotencyKey());
    assertThat(stored0.state()).as(run.out()).isEqualTo(RunState.PROMOTED);
    assertThat(
            stored0.history().stream()
                .filter(t -> t.from() != t.to() || t.to() == RunState.REQUESTED)
                .map(Transition::to)
                .toList())
        .containsExactly(
            RunState.REQUESTED,
            RunState.TUNING,
            RunState.TRAINING_BEST,
            RunState.GATING,
            RunState.PROMOTED);
    assertThat(stored0.results().bestParams()).as(run.out()).containsKeys("lr", "momentum");
    assertThat(stored0.request().lakeSnapshotId()).as(run.out()).isNotNull();
    JdbcModelRegistry registry = JdbcModelRegistry.open(r.registry());
    assertThat(registry.alias(run.spec().model(), ModelRegistry.CHAMPION))
        .get()
        .extracting(v -> v.versionId())
        .isEqualTo(stored0.results().modelVersion());
    assertThat(r.gateTests()).as(run.out()).hasSize(1);
    Demo.GateTest g = r.gateTests().get(0);
    assertThat(g.promoted()).isTrue();
    assertThat(g.challenger()).isEqualTo(stored0.results().modelVersion());
    // a multiclass model's metrics
    assertThat(g.challengerMetrics()).as(run.out()).containsKeys("accuracy", "log_loss");
    assertThat(g.validationRows()).isPositive();
    assertThat(r.gateReport()).isNotNull();
    try {
      assertThat(java.nio.file.Files.readString(r.gateReport()))
          .contains("<html", "Attributions on validation samples");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(run.out()).contains("PROMOTED", "gate report:", "accuracy");
    return g;
  }
}
