package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeAudit;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops in the middle of ingestion and comes back on the same port with the same log
 * directory; more records arrive after it is back. The running pipeline rides it out (or restarts
 * from its checkpoint), and every record produced before and after ends in the lake or as a dead
 * letter exactly once.
 */
class BrokerRestartIT {
  @TempDir Path work;

  @Test
  void aBrokerRestartMidIngestLosesAndDoublesNothing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path logDir = work.resolve("broker");
    EmbeddedKafka kafka = EmbeddedKafka.start(port, logDir, false);
    try {
      ModelSpec spec = IngestFixtures.spec(kafka.bootstrapServers(), work.resolve("lake"));
      String topic = spec.source().kafka().topic();
      String group = spec.source().kafka().consumerGroup();
      kafka.createTopicsFor(spec, 2);
      String bootstrap = kafka.bootstrapServers();
      ProduceResult before =
          StreamProducer.produce(
              bootstrap, topic, IngestFixtures.generator(11, 40_000, 0.01), 0, null);

      AtomicReference<Map<Integer, Long>> finalEnds = new AtomicReference<>();
      IngestOptions options =
          PipelineOptionsFactory.fromArgs(
                  RunnerDefaults.withDefaults(spec.lake(), "--parallelism=2"))
              .as(IngestOptions.class);
      CompletableFuture<IngestResult> ingest =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return IngestPipeline.run(
                      options,
                      IngestConfig.of(spec),
                      StopCondition.caughtUpWith(bootstrap, topic, group, finalEnds::get));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      // Stop the broker once the lake holds some of the first records.
      long deadline = System.currentTimeMillis() + 240_000;
      long committed = 0;
      while (committed == 0 && System.currentTimeMillis() < deadline && !ingest.isDone()) {
        Thread.sleep(500);
        try (Lake lake = Lake.open(spec)) {
          committed = lake.rows() + lake.deadLetters();
        } catch (RuntimeException notYet) {
          // the tables are created by the pipeline's first commit
        }
      }
      assertThat(committed).as("rows committed before the broker stops").isPositive();
      // On a fast machine the first commit may already hold every record produced so far; the
      // restart is still mid-ingest because the pipeline runs on and the records produced below
      // reach it only through the restarted broker.
      assertThat(committed).isLessThanOrEqualTo(before.total());
      assertThat(ingest).as("the pipeline is still running when the broker stops").isNotDone();
      kafka.close();
      Thread.sleep(5_000);
      kafka = EmbeddedKafka.start(port, logDir, false);
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);

      ProduceResult after =
          StreamProducer.produce(
              bootstrap,
              topic,
              GeneratorConfig.builder()
                  .seed(12)
                  .count(20_000)
                  .startTimeMillis(IngestFixtures.START + 40_000_000L)
                  .eventSpacingMillis(1000)
                  .malformedFraction(0.01)
                  .v1Fraction(0.05)
                  .build(),
              0,
              null);
      finalEnds.set(after.endOffsets());
      IngestResult result = ingest.get(8, TimeUnit.MINUTES);

      long produced = before.total() + after.total();
      try (Lake lake = Lake.open(spec)) {
        assertThat(lake.rows() + lake.deadLetters()).isEqualTo(produced);
        LakeAudit audit = LakeAudit.of(lake, topic);
        assertThat(audit.duplicatePositions()).isZero();
        assertThat(audit.consistent()).isTrue();
        after
            .endOffsets()
            .forEach(
                (partition, end) ->
                    assertThat(lake.offsets(topic, partition).toString())
                        .isEqualTo("[0-" + end + "]"));
        List<Record> rows = IngestFixtures.lakeRows(lake);
        Set<String> positions = new HashSet<>();
        for (Record r : rows) {
          positions.add(r.getField("_source_partition") + "@" + r.getField("_source_offset"));
        }
        assertThat(positions).hasSize(rows.size());
        // The result's counters are Beam metrics, which a task restart may count twice; the lake
        // is the exactly-once record, so only require that the run ended normally.
        assertThat(result).isNotNull();
      }
    } finally {
      kafka.close();
    }
  }
}
