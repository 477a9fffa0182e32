package io.driftgate.demo;

import io.driftgate.cli.GeneratorOptions;
import io.driftgate.cli.SpecOption;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs the embedded end-to-end demo. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start an embedded broker, produce a synthetic stream with malformed records and an"
            + " injected drift, ingest it with Beam on a local Flink cluster into the lake and the"
            + " drift monitor, then let an in-process launcher consume the retrain request, tune,"
            + " gate and promote a model; print a timeline and a summary.")
final class DemoCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;
  @Mixin GeneratorOptions gen;

  @Option(
      names = "--example",
      description =
          "Run the loop on an image or text example instead of the flight-delay stream: 'digits'"
              + " (real MNIST digits as 28x28 PNGs, rotated and noised from --drift-at on) or"
              + " 'text' (WordNet glosses of four noun topics, the topic mix shifts from --drift-at"
              + " on). The spec is examples/<digits|text>/driftgate.yaml unless --spec names"
              + " another; --malformed injects the modality's invalid records (wrong image size,"
              + " undecodable or JPEG bytes; empty, non-UTF-8 or too long text); no initial"
              + " champion unless --champion-at is given. Run examples/scripts/fetch-datasets.sh"
              + " first.")
  Example example;

  @Option(
      names = "--records",
      description = "Records to produce. Default: 100000 (--example: 9000).")
  Long records;

  @Option(
      names = "--drift-at",
      description =
          "Record index where an abrupt drift starts; -1 = none. Default: 50000 (--example:"
              + " 6600: five stationary windows after the reference, so that the request's range"
              + " holds ~4,100 rows).")
  Long driftAt;

  @Option(
      names = "--epochs",
      description = "Training epochs of each trial with --example. Default: ${DEFAULT-VALUE}.",
      defaultValue = "6")
  int epochs;

  /** What drifts in the demo's stream. */
  enum Scenario {
    /** Features and label relation drift (feature shift 1, label shift 1). */
    input,
    /** Only the label relation drifts (feature shift 0, label shift 3): concept drift. */
    concept
  }

  @Option(
      names = "--scenario",
      description =
          "What drifts: 'input' (the features and the label relation; the input-drift monitor"
              + " fires) or 'concept' (only the label relation; the input-drift monitor stays"
              + " quiet and the champion's performance monitor fires). Default: ${DEFAULT-VALUE}.",
      defaultValue = "input")
  Scenario scenario;

  @Option(
      names = "--champion-at",
      description =
          "Record where part 2 starts: part 1 trains and promotes an initial champion (a volume"
              + " trigger), part 2 is scored by it and drifts; -1 = no initial champion (every"
              + " gate meets an empty registry). Default: 36000 (--example: -1).")
  Long championAt;

  @Option(
      names = "--champion-volume",
      description =
          "Part 1's volume.minNewRecords: valid records after the reference that request the"
              + " initial champion. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10000")
  long championVolume;

  @Option(
      names = "--partitions",
      description = "Partitions of the input topic. Default: ${DEFAULT-VALUE}.",
      defaultValue = "4")
  int partitions;

  @Option(
      names = "--work-dir",
      description = "Where the demo's lake goes (wiped first). Default: ${DEFAULT-VALUE}.",
      defaultValue = ".driftgate/demo")
  Path workDir;

  @Option(
      names = "--no-train",
      description =
          "Stop after the retrain request (no launcher, no tuning, no gate): the old demo.")
  boolean noTrain;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Option(
      names = "--kubernetes",
      description =
          "Stop after the retrain request and print the Kubernetes Jobs that 'driftgate launcher"
              + " --kubernetes' would create for it (the spec's launcher section; placeholders for"
              + " image, store and volumes when it has none). Nothing is applied: run the launcher"
              + " against the cluster for that.")
  boolean kubernetes;

  @Parameters(description = "Extra Beam/Flink pipeline options, after '--'.")
  List<String> pipelineArgs = new ArrayList<>();

  /**
   * Records of an example's stream: the reference (3,000; its last window [3,000, 3,600) is not
   * compared), five stationary windows of 600, the drift at {@link #EXAMPLE_DRIFT_AT} and four
   * drifted windows.
   */
  static final long EXAMPLE_RECORDS = 9_000;

  /**
   * Where an example's drift starts. The request's range runs from the first window after the
   * reference to the end of the second drifted window ([3,600, 7,800): ~4,150 valid rows, the
   * newest 20% of them, all drifted, for validation); with the drift at 3,600 it held only the
   * 1,200 drifted rows, too few for the models trained from scratch (text at the majority rate).
   */
  static final long EXAMPLE_DRIFT_AT = 6_600;

  /** The flight-delay spec, {@code --spec}'s default. */
  static final Path FLIGHT_SPEC = Path.of("examples/flight-delay/driftgate.yaml");

  @Override
  public Integer call() throws Exception {
    if (example != null && specOption.spec.equals(FLIGHT_SPEC)) {
      specOption.spec = example.spec(Path.of("examples"));
    }
    ModelSpec spec = specOption.load();
    long records =
        this.records != null ? this.records : example != null ? EXAMPLE_RECORDS : 100_000;
    long driftAt =
        this.driftAt != null ? this.driftAt : example != null ? EXAMPLE_DRIFT_AT : 50_000;
    long championAt = this.championAt != null ? this.championAt : example != null ? -1 : 36_000;
    boolean train = !(noTrain || kubernetes);
    Demo.Bootstrap bootstrap =
        train && championAt > 0 && championAt < records
            ? new Demo.Bootstrap(championAt, championVolume)
            : null;
    DemoStream stream;
    Demo.Training training;
    if (example != null) {
      stream = example.stream(specOption.spec, spec, records, driftAt, gen.seed, gen.malformed);
      training = Example.training(specOption.spec, gen.seed, epochs);
    } else {
      stream = DemoStream.of(flights(spec, records, driftAt));
      training = Demo.Training.fast(specOption.spec, gen.seed);
    }
    Demo.Result r =
        Demo.run(
            spec,
            train ? training : null,
            bootstrap,
            stream,
            partitions,
            workDir,
            System.out,
            !noProgress,
            pipelineArgs.toArray(String[]::new));
    if (kubernetes) {
      printJobs(spec, r.requests());
    }
    boolean promotedOrNoRequest =
        noTrain
            || kubernetes
            || r.requests().isEmpty()
            || r.runs().stream().anyMatch(run -> run.state() == RunState.PROMOTED);
    return r.balanced() && r.loopClosed() && promotedOrNoRequest ? 0 : 1;
  }

  /** The flight-delay stream of the default demo. */
  private GeneratorConfig flights(ModelSpec spec, long records, long driftAt) {
    return GeneratorConfig.builder()
        .seed(gen.seed)
        .count(records)
        .startTimeMillis(1767571200000L)
        .eventSpacingMillis(1000)
        .format(spec.source().format())
        .malformedFraction(gen.malformed)
        .v1Fraction(0.05)
        .drift(
            driftAt < 0
                ? null
                : DriftConfig.abrupt(
                    driftAt,
                    gen.featureShift(scenario == Scenario.concept ? 0.0 : 1.0),
                    gen.labelShift(scenario == Scenario.concept ? 3.0 : 1.0)))
        .build();
  }

  /** Prints the two Jobs of each request's run, as the Kubernetes backend renders them. */
  private void printJobs(ModelSpec spec, List<io.driftgate.schemas.RetrainRequest> requests)
      throws java.io.IOException {
    java.util.Map<String, Object> section = new java.util.LinkedHashMap<>();
    Object doc =
        new org.yaml.snakeyaml.Yaml(
                new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions()))
            .load(java.nio.file.Files.readString(specOption.spec));
    if (doc instanceof java.util.Map<?, ?> m
        && m.get("launcher") instanceof java.util.Map<?, ?> l) {
      l.forEach((k, v) -> section.put(String.valueOf(k), v));
    }
    List<String> placeholders = new ArrayList<>();
    section.put("backend", "kubernetes");
    if (!section.containsKey("image")) {
      section.put("image", "driftgate-trainer:" + version() + "-cpu");
      placeholders.add("image");
    }
    if (!section.containsKey("specConfigMap")) {
      section.put("specConfigMap", "driftgate-spec");
      placeholders.add("specConfigMap");
    }
    io.driftgate.core.spec.LauncherConfig config =
        io.driftgate.core.spec.LauncherConfig.parse(section);
    io.driftgate.launcher.JobRenderer renderer =
        new io.driftgate.launcher.JobRenderer(config, spec.model());
    io.driftgate.core.run.RunMachine machine =
        new io.driftgate.core.run.RunMachine(RunPolicy.of(config), java.time.Clock.systemUTC());
    if (requests.isEmpty()) {
      System.out.println("no retrain request: no Jobs to show");
    }
    // The snapshot the launcher would pin in the demo's lake (read by the pods from its metadata
    // file: the demo's lake has the embedded catalog).
    Path lake = workDir.resolve("lake");
    try (io.driftgate.launcher.SnapshotResolver snapshots =
        io.driftgate.launcher.LakeSnapshotResolver.forSpec(
            spec.withLakePath(lake), lake, !spec.lake().hasConfiguredCatalog(), null)) {
      printJobs(requests, snapshots, spec, renderer, machine, placeholders);
    }
  }

  private static void printJobs(
      List<io.driftgate.schemas.RetrainRequest> requests,
      io.driftgate.launcher.SnapshotResolver snapshots,
      ModelSpec spec,
      io.driftgate.launcher.JobRenderer renderer,
      io.driftgate.core.run.RunMachine machine,
      List<String> placeholders) {
    for (io.driftgate.schemas.RetrainRequest req : requests) {
      io.driftgate.core.run.RetrainRun run =
          machine.request(
              req.getIdempotencyKey(),
              spec.model(),
              io.driftgate.launcher.DryRun.pinOnce(snapshots, req, System.out));
      System.out.printf(
          "%n# Jobs 'driftgate launcher --kubernetes' creates for %s%s%n",
          run.key(),
          placeholders.isEmpty()
              ? ""
              : " (placeholders for " + String.join("; ", placeholders) + ")");
      System.out.println("# 1) tuning: an Indexed Job, one completion per trial");
      System.out.print(renderer.yaml(run, io.driftgate.core.run.RunStep.TUNE, 1));
      System.out.println("---");
      System.out.println("# 2) once tuning completes: best model + gate");
      System.out.print(renderer.yaml(run, io.driftgate.core.run.RunStep.BEST, 1));
    }
  }

  private static String version() {
    String v = DemoCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
