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
      description =
          "Magnitude of the feature-distribution change. Default: 1 (demo --scenario concept: 0).")
  Double featureShift;

  @Option(
      names = "--label-shift",
      description =
          "Magnitude of the label-relation change. Default: 1 (demo --scenario concept: 3).")
  Double labelShift;

  /** {@code --feature-shift}, or the command's default when not given. */
  double featureShift(double otherwise) {
    return featureShift != null ? featureShift : otherwise;
  }

  /** {@code --label-shift}, or the command's default when not given. */
  double labelShift(double otherwise) {
    return labelShift != null ? labelShift : otherwise;
  }
}
