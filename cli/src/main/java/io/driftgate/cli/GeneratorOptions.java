package io.driftgate.cli;

import picocli.CommandLine.Option;

/** The synthetic stream generator's options shared by {@code produce} and {@code demo}. */
final class GeneratorOptions {
  @Option(
      names = "--seed",
      description = "Generator seed. Default: ${DEFAULT-VALUE}.",
      defaultValue = "42")
  long seed;

  @Option(
      names = "--malformed",
      description = "Fraction of malformed records (all kinds). Default: ${DEFAULT-VALUE}.",
      defaultValue = "0.01")
  double malformed;

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
}
