package io.driftgate.streaming.commit;

import java.io.Serializable;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * How long a committer's Iceberg commit took, as two Beam metrics in the committer's namespace:
 * {@value #DISTRIBUTION} (a distribution, which the DirectRunner and Beam's metric queries report)
 * and {@value #LAST} (a gauge of the last commit's milliseconds). Flink's Prometheus reporter
 * exports only numeric gauges and counters: the Flink runner turns a distribution into a gauge of a
 * DistributionResult object, which it skips, and a Beam gauge into a gauge of a long, which it
 * exports. So dashboards read {@value #LAST}.
 */
public final class CommitLatency implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DISTRIBUTION = "commit_millis";
  public static final String LAST = "last_commit_millis";

  private final Distribution distribution;
  private final Gauge last;

  private CommitLatency(String namespace) {
    this.distribution = Metrics.distribution(namespace, DISTRIBUTION);
    this.last = Metrics.gauge(namespace, LAST);
  }

  /** The committer's latency metrics in {@code namespace}. */
  public static CommitLatency of(String namespace) {
    return new CommitLatency(namespace);
  }

  /** Records a commit that started at {@code startedNanos} ({@link System#nanoTime()}). */
  public void since(long startedNanos) {
    long millis = (System.nanoTime() - startedNanos) / 1_000_000;
    distribution.update(millis);
    last.set(millis);
  }
}
