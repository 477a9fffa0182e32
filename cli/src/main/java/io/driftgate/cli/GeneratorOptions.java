package io.driftgate.cli;

import picocli.CommandLine.Option;

/** The synthetic stream generator's options shared by {@code produce} and {@code demo}. */
public final class GeneratorOptions {
  @Option(
      names = "--seed",
      description = "Generator seed. Default: ${DEFAULT-VALUE}.",
      defaultValue = "42")
  public long seed;

  @Option(
      names = "--malformed",
      description = "Fraction of malformed records (all kinds). Default: ${DEFAULT-VALUE}.",
      defaultValue = "0.01")
  public double malformed;

  @Option(
      names = "--feature-shift",
      description =
          "Magnitude of the feature-distribution change. Default: 1 (demo --scenario concept: 0).")
  public Double featureShift;

  @Option(
      names = "--label-shift",
      description =
          "Magnitude of the label-relation change. Default: 1 (demo --scenario concept: 3).")
  public Double labelShift;

  /** {@code --feature-shift}, or the command's default when not given. */
  public double featureShift(double otherwise) {
    return featureShift != null ? featureShift : otherwise;
  }

  /** {@code --label-shift}, or the command's default when not given. */
  public double labelShift(double otherwise) {
    return labelShift != null ? labelShift : otherwise;
  }
}
