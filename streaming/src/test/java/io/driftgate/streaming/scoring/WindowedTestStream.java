package io.driftgate.streaming.scoring;

import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;

/**
 * Windows of elements as a TestStream for the monitor's tests: each window's elements at evenly
 * spaced event times, then the watermark just past the window's end; and the one-worker
 * DirectRunner pipeline they run in (one monitor instance, as on Flink, where the monitor keeps its
 * state in one DoFn per model).
 */
final class WindowedTestStream {
  private WindowedTestStream() {}

  /** The element of window {@code window} at position {@code index}, event time {@code millis}. */
  interface Element<T> {
    T at(int window, int index, long millis);
  }

  static <T> TestStream<T> of(
      Coder<T> coder, int windows, int perWindow, long windowMillis, Element<T> element) {
    TestStream.Builder<T> stream = TestStream.create(coder);
    for (int w = 0; w < windows; w++) {
      @SuppressWarnings("unchecked")
      TimestampedValue<T>[] batch = new TimestampedValue[perWindow];
      for (int i = 0; i < perWindow; i++) {
        long t = w * windowMillis + i * (windowMillis / perWindow);
        batch[i] = TimestampedValue.of(element.at(w, i, t), new Instant(t));
      }
      stream =
          stream
              .addElements(batch[0], Arrays.copyOfRange(batch, 1, batch.length))
              .advanceWatermarkTo(new Instant((w + 1) * windowMillis + 1));
    }
    return stream.advanceWatermarkToInfinity();
  }

  static Pipeline oneWorker() {
    return Pipeline.create(
        PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=1").create());
  }
}
