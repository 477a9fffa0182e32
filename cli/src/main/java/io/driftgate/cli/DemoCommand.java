package io.driftgate.cli;

import io.driftgate.core.generate.DriftConfig;
import io.driftgate.core.generate.GeneratorConfig;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.ModelSpec;
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

  @Option(
      names = "--records",
      description = "Records to produce. Default: ${DEFAULT-VALUE}.",
      defaultValue = "100000")
  long records;

  @Option(
      names = "--malformed",
      description = "Fraction of malformed records. Default: ${DEFAULT-VALUE}.",
      defaultValue = "0.01")
  double malformed;

  @Option(
      names = "--drift-at",
      description =
          "Record index where an abrupt drift starts; -1 = none. Default: ${DEFAULT-VALUE}.",
      defaultValue = "50000")
  long driftAt;

  @Option(
      names = "--feature-shift",
      description = "Magnitude of the feature-distribution change. Default: ${DEFAULT-VALUE}.",
      defaultValue = "1.0")
  double featureShift;

  @Option(
      names = "--label-shift",
      description = "Magnitude of the label-relation change. Default: ${DEFAULT-VALUE}.",
      defaultValue = "1.0")
  double labelShift;

  @Option(
      names = "--partitions",
      description = "Partitions of the input topic. Default: ${DEFAULT-VALUE}.",
      defaultValue = "4")
  int partitions;

  @Option(
      names = "--seed",
      description = "Generator seed. Default: ${DEFAULT-VALUE}.",
      defaultValue = "42")
  long seed;

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

  @Parameters(description = "Extra Beam/Flink pipeline options, after '--'.")
  List<String> pipelineArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ModelSpec spec = specOption.load();
    GeneratorConfig generator =
        GeneratorConfig.builder()
            .seed(seed)
            .count(records)
            .startTimeMillis(1767571200000L)
            .eventSpacingMillis(1000)
            .format(spec.source().format())
            .malformedFraction(malformed)
            .v1Fraction(0.05)
            .drift(driftAt < 0 ? null : DriftConfig.abrupt(driftAt, featureShift, labelShift))
            .build();
    Demo.Result r =
        Demo.run(
            spec,
            noTrain ? null : Demo.Training.fast(specOption.spec, seed),
            generator,
            partitions,
            workDir,
            System.out,
            !noProgress,
            pipelineArgs.toArray(String[]::new));
    boolean promotedOrNoRequest =
        noTrain
            || r.requests().isEmpty()
            || r.runs().stream().anyMatch(run -> run.state() == RunState.PROMOTED);
    return r.balanced() && r.loopClosed() && promotedOrNoRequest ? 0 : 1;
  }
}
