package io.driftgate.streaming.ingest;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/** Which model spec to run. */
public interface SpecOptions extends PipelineOptions {
  @Description("Path to the model spec (driftgate.yaml).")
  @Validation.Required
  String getSpec();

  void setSpec(String spec);
}
