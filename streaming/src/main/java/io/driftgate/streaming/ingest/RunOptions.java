package io.driftgate.streaming.ingest;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How long to run. */
public interface RunOptions extends PipelineOptions {
  @Description("Read this many records, commit them and finish; 0 runs until stopped.")
  @Default.Long(0)
  Long getMaxRecords();

  void setMaxRecords(Long n);

  @Description(
      "Read everything the topic holds now beyond the group's committed offsets, commit it to"
          + " the lake and finish.")
  @Default.Boolean(false)
  Boolean getUntilCaughtUp();

  void setUntilCaughtUp(Boolean untilCaughtUp);
}
