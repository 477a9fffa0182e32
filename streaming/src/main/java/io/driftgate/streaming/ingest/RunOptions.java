package io.driftgate.streaming.ingest;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How long to run. */
public interface RunOptions extends PipelineOptions {
  @Description(
      "Ingest what the topic holds at start (up to its current end offsets), commit it to the"
          + " lake and stop; otherwise run until stopped.")
  @Default.Boolean(false)
  Boolean getUntilCaughtUp();

  void setUntilCaughtUp(Boolean untilCaughtUp);
}
