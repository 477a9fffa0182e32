package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeAudit;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caught-up embedded ingestion commits when its writers go quiet, not at the next periodic
 * checkpoint: with a {@code lake.commitInterval} of 10 minutes (the periodic checkpoint interval
 * follows it) the run can only end within the timeout through the checkpoint the launcher requests,
 * and that commit accounts for every record.
 */
class QuietCommitIT {
  @TempDir Path work;

  @Test
  @Timeout(300)
  void theLauncherRequestsTheCheckpointThatCommitsACaughtUpRun() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String yaml =
          IngestFixtures.exampleYaml()
              .replace(
                  "commitInterval: " + IngestFixtures.TEST_COMMIT_INTERVAL, "commitInterval: 10m");
      assertThat(yaml).contains("commitInterval: 10m");
      ModelSpec spec =
          SpecLoader.parse(yaml, IngestFixtures.EXAMPLE_SPEC.getParent())
              .withBootstrapServers(kafka.bootstrapServers())
              .withLakePath(work.resolve("lake"));
      String topic = spec.source().kafka().topic();
      kafka.createTopic(topic, 4);
      ProduceResult produced =
          StreamProducer.produce(
              kafka.bootstrapServers(), topic, IngestFixtures.generator(23, 4_000, 0.02), 0, null);

      IngestFixtures.ingestUntilCaughtUp(
          spec, kafka.bootstrapServers(), produced::endOffsets, false);

      try (Lake lake = Lake.open(spec)) {
        assertThat(lake.rows() + lake.deadLetters()).isEqualTo(produced.total());
        assertThat(lake.deadLetters()).isPositive();
        LakeAudit audit = LakeAudit.of(lake, topic);
        assertThat(audit.duplicatePositions()).isZero();
        assertThat(audit.consistent()).isTrue();
      }
    }
  }
}
