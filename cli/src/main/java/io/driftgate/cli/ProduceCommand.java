package io.driftgate.cli;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.DriftMode;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Produces the demo's synthetic flight stream, with malformed records and drift. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Produce a seeded synthetic stream for the example spec to its Kafka topic.")
final class ProduceCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;
  @Mixin GeneratorOptions gen;

  @Option(
      names = "--count",
      description = "Records to produce. Default: ${DEFAULT-VALUE}.",
      defaultValue = "100000")
  long count;

  @Option(
      names = "--rate",
      description = "Records per second; 0 = as fast as possible. Default: ${DEFAULT-VALUE}.",
      defaultValue = "0")
  double rate;

  @Option(
      names = "--v1-fraction",
      description =
          "Fraction of valid records written with the older v1 schema. Default: ${DEFAULT-VALUE}.",
      defaultValue = "0.05")
  double v1Fraction;

  @Option(
      names = "--start-time",
      description =
          "Event time of the first record, epoch millis. Default: ${DEFAULT-VALUE} (2026-01-05T00:00Z).",
      defaultValue = "1767571200000")
  long startTime;

  @Option(
      names = "--spacing-ms",
      description = "Mean event-time gap between records. Default: ${DEFAULT-VALUE}.",
      defaultValue = "1000")
  long spacingMs;

  @Option(
      names = "--drift-at",
      description = "Record index where drift starts; -1 = no drift. Default: ${DEFAULT-VALUE}.",
      defaultValue = "-1")
  long driftAt;

  @Option(
      names = "--drift-mode",
      completionCandidates = CliEnums.DriftModes.class,
      description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
      defaultValue = "abrupt")
  DriftMode driftMode;

  @Option(
      names = "--drift-ramp",
      description = "Records over which gradual drift ramps up. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10000")
  long driftRamp;

  @Option(names = "--json", description = "Print the result as one JSON document.")
  boolean json;

  @Override
  public Integer call() {
    ModelSpec spec = specOption.load();
    GeneratorConfig config = generatorConfig(spec);
    String topic = spec.source().kafka().topic();
    ProduceResult r;
    try (Progress progress = Progress.start("produce", "records", count)) {
      r =
          StreamProducer.produce(
              spec.source().kafka().clientProperties(),
              topic,
              config,
              rate,
              (sent, total, elapsedMillis) -> progress.stepTo(sent));
    }
    if (json) {
      CliJson.print(CliJson.produce(topic, r));
    } else {
      System.out.printf(
          "produced %,d records in %.1f s: %s%n",
          r.total(), r.elapsedMillis() / 1000.0, r.malformedByKind());
    }
    return 0;
  }

  GeneratorConfig generatorConfig(ModelSpec spec) {
    GeneratorConfig.Builder b =
        GeneratorConfig.builder()
            .seed(gen.seed)
            .count(count)
            .startTimeMillis(startTime)
            .eventSpacingMillis(spacingMs)
            .format(spec.source().format())
            .malformedFraction(gen.malformed)
            .v1Fraction(v1Fraction);
    if (driftAt >= 0) {
      b.drift(
          new DriftConfig(
              driftAt, driftMode, driftRamp, gen.featureShift(1.0), gen.labelShift(1.0)));
    }
    return b.build();
  }
}
