package io.driftgate.streaming.commit;

import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Brings the batches the workers wrote (data file metadata, never rows) to one committer: a single
 * key, the global window firing on every batch, grouped, so a pane holds what arrived since the
 * last firing and one {@code @RequiresStableInput} DoFn commits it (on Flink, what a completed
 * checkpoint holds). The lake's ingest and the scoring stage's predictions both commit this way.
 *
 * <p>A function rather than a composite transform: the steps keep the names they had inside each
 * writer ({@code OneCommitter}, {@code EveryBatch}, {@code GroupBatches}), so the operators' ids,
 * and the state a savepoint holds for them, stay the same.
 */
public final class SingleCommitter {
  private SingleCommitter() {}

  /** The batches (their coder set) grouped under key 0, one pane per firing. */
  public static <T> PCollection<KV<Integer, Iterable<T>>> gather(PCollection<T> batches) {
    return batches
        .apply("OneCommitter", WithKeys.<Integer, T>of(0).withKeyType(TypeDescriptors.integers()))
        .apply(
            "EveryBatch",
            Window.<KV<Integer, T>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply("GroupBatches", GroupByKey.create());
  }
}
