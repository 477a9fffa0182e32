package io.driftgate.streaming.ingest;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * What one ingestion run did. Lake figures come from the Iceberg snapshots the run added (the
 * truth); {@code read}, {@code valid} and {@code duplicatesSkipped} come from the engine's counters
 * and are -1 where the runner did not report them (e.g. a cancelled detached job).
 *
 * @param model spec name
 * @param read records read from Kafka, or -1
 * @param valid records that passed validation, or -1
 * @param rowsWritten lake rows committed by this run
 * @param deadLettersWritten dead letters committed by this run
 * @param deadLettersByKind dead letters committed by this run, by error kind
 * @param duplicatesSkipped re-read records the lake already held, or -1
 * @param commits records-table snapshots this run committed
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

  /** What the lake held at one moment (to diff before/after a run). */
  public record LakeTotals(long rows, long deadLetters, Map<String, Long> byKind, long snapshots) {
    public static LakeTotals of(IngestConfig config) {
      try (io.driftgate.core.lake.Lake lake = config.openLake()) {
        return new LakeTotals(
            lake.rows(), lake.deadLetters(), lake.deadLettersByKind(), lake.snapshots().size());
      }
    }
  }

  static IngestResult nothingToDo(IngestConfig config) {
    return new IngestResult(config.spec().model(), 0, 0, 0, 0, Map.of(), 0, 0, 0);
  }

  static IngestResult from(
      IngestConfig config, PipelineResult result, LakeTotals before, long wallMillis) {
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
    LakeTotals after = LakeTotals.of(config);
    Map<String, Long> dead = new TreeMap<>(after.byKind());
    before.byKind().forEach((k, v) -> dead.merge(k, -v, Long::sum));
    dead.values().removeIf(v -> v == 0);
    boolean counted = counters.getOrDefault(IngestMetrics.READ, 0L) > 0;
    return new IngestResult(
        config.spec().model(),
        counted ? counters.get(IngestMetrics.READ) : -1,
        counted ? counters.getOrDefault(IngestMetrics.VALID, 0L) : -1,
        after.rows() - before.rows(),
        after.deadLetters() - before.deadLetters(),
        dead,
        counted ? counters.getOrDefault(IngestMetrics.DUPLICATES_SKIPPED, 0L) : -1,
        after.snapshots() - before.snapshots(),
        wallMillis);
  }

  public String summary() {
    return String.format(
        "ingest %s: lake rows +%d, dead letters +%d %s, commits +%d%s, %.1f s",
        model,
        rowsWritten,
        deadLettersWritten,
        deadLettersByKind,
        commits,
        read < 0
            ? ""
            : String.format(
                " (read %d, valid %d, duplicates skipped %d)", read, valid, duplicatesSkipped),
        wallMillis / 1000.0);
  }
}
