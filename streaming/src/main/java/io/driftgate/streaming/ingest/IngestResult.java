package io.driftgate.streaming.ingest;

import io.driftgate.schemas.ErrorKind;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * What one ingestion run did, from its counters.
 *
 * @param model spec name
 * @param read records read from Kafka
 * @param valid records that passed validation
 * @param rowsWritten lake rows committed
 * @param deadLettersWritten dead letters committed
 * @param deadLettersByKind dead letters by error kind (from the decode/validate stage)
 * @param duplicatesSkipped re-read records the lake already held
 * @param commits commit markers published
 * @param wallMillis wall time of the run
 */
public record IngestResult(
    String model,
    long read,
    long valid,
    long rowsWritten,
    long deadLettersWritten,
    Map<String, Long> deadLettersByKind,
    long duplicatesSkipped,
    long commits,
    long wallMillis) {

  static IngestResult nothingToDo(IngestConfig config) {
    return new IngestResult(config.spec().model(), 0, 0, 0, 0, Map.of(), 0, 0, 0);
  }

  static IngestResult from(IngestConfig config, PipelineResult result, long wallMillis) {
    Map<String, Long> counters = new TreeMap<>();
    try {
      MetricQueryResults q =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.inNamespace(IngestMetrics.NAMESPACE))
                      .build());
      for (MetricResult<Long> c : q.getCounters()) {
        counters.merge(c.getName().getName(), c.getAttempted(), Long::sum);
      }
    } catch (UnsupportedOperationException e) {
      // Some runners report no metrics for detached jobs; the lake index still has the truth.
    }
    Map<String, Long> dead = new TreeMap<>();
    for (ErrorKind k : ErrorKind.values()) {
      long n = counters.getOrDefault(IngestMetrics.deadLetter(k), 0L);
      if (n > 0) {
        dead.put(k.name(), n);
      }
    }
    return new IngestResult(
        config.spec().model(),
        counters.getOrDefault(IngestMetrics.READ, 0L),
        counters.getOrDefault(IngestMetrics.VALID, 0L),
        counters.getOrDefault(IngestMetrics.WRITTEN, 0L),
        counters.getOrDefault(IngestMetrics.DEAD_LETTERS_WRITTEN, 0L),
        dead,
        counters.getOrDefault(IngestMetrics.DUPLICATES_SKIPPED, 0L),
        counters.getOrDefault(IngestMetrics.COMMITS, 0L),
        wallMillis);
  }

  public String summary() {
    return String.format(
        "ingest %s: read %d, valid %d, lake rows %d, dead letters %d %s, duplicates skipped %d,"
            + " commits %d, %.1f s",
        model,
        read,
        valid,
        rowsWritten,
        deadLettersWritten,
        deadLettersByKind,
        duplicatesSkipped,
        commits,
        wallMillis / 1000.0);
  }
}
