package io.driftgate.streaming.ingest;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the lake is. */
public interface LakeOptions extends PipelineOptions {
  @Description("Lake directory; overrides lake.path of the spec.")
  String getLakePath();

  void setLakePath(String path);
}
