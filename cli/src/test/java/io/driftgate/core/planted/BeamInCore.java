package io.driftgate.core.planted;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * A planted violation (test-only, in the CLI's tests where Beam is on the classpath): a class in a
 * core package that imports Beam. {@code ArchitectureRulesTest} proves the core rule catches it.
 */
public final class BeamInCore {
  private BeamInCore() {}

  public static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.create());
  }
}
