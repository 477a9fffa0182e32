package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.LakeIndex;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.KafkaOffsets;
import io.driftgate.streaming.kafka.EmbeddedKafka;
import io.driftgate.streaming.kafka.ProduceResult;
import io.driftgate.streaming.kafka.StreamProducer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 the ingestion process mid-stream, start it again: the committed lake ends with every
 * valid record exactly once.
 */
class RestartIT {
  @TempDir Path work;

  @Test
  void killedIngestionResumesWithoutLossOrDuplicates() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Path lake = work.resolve("lake");
      ModelSpec spec = IngestFixtures.spec(kafka.bootstrapServers(), lake);
      String topic = spec.source().kafka().topic();
      String group = spec.source().kafka().consumerGroup();
      kafka.createTopicsFor(spec, 4);

      // A steady stream, so the kill lands while data is still arriving.
      long total = 60_000;
      CompletableFuture<ProduceResult> producing =
          CompletableFuture.supplyAsync(
              () ->
                  StreamProducer.produce(
                      kafka.bootstrapServers(),
                      topic,
                      IngestFixtures.generator(11, total, 0.01),
                      4000,
                      null));

      Process first = startChild(kafka.bootstrapServers(), lake, work.resolve("first.log"));
      long committedAtKill = waitForCommits(lake, 5_000, first, work.resolve("first.log"));
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertThat(committedAtKill).as("killed mid-stream").isLessThan(total);

      ProduceResult produced = producing.get(5, TimeUnit.MINUTES);
      LakeIndex afterKill = LakeIndex.load(lake);
      assertThat(afterKill.rows() + afterKill.deadLetters()).isLessThan(total);

      // Second run: reads what the group has not durably committed, and finishes.
      IngestResult second =
          IngestPipeline.run(
              "--spec=" + IngestFixtures.EXAMPLE_SPEC,
              "--bootstrapServers=" + kafka.bootstrapServers(),
              "--lakePath=" + lake,
              "--untilCaughtUp=true",
              "--parallelism=2");

      LakeIndex index = LakeIndex.load(lake);
      long dead = produced.malformed();
      assertThat(index.rows() + index.deadLetters()).isEqualTo(produced.total());
      assertThat(index.deadLetters()).isEqualTo(dead);
      assertThat(index.duplicateOffsets()).isZero();
      assertThat(KafkaOffsets.positions(kafka.bootstrapServers(), topic, group).pending()).isZero();

      // Exactly once: each valid event id appears once in the committed lake.
      Map<String, Integer> seen = new HashMap<>();
      for (GenericRecord r : IngestFixtures.lakeRows(index)) {
        seen.merge(r.get("id").toString(), 1, Integer::sum);
      }
      assertThat(seen).hasSize((int) (produced.total() - dead));
      assertThat(seen.values()).allMatch(n -> n == 1);
      assertThat(second.rowsWritten() + second.deadLettersWritten())
          .isEqualTo(produced.total() - (afterKill.rows() + afterKill.deadLetters()));
    }
  }

  /** Runs the ingestion main in its own JVM, as `driftgate ingest` would. */
  private static Process startChild(String bootstrap, Path lake, Path log) throws Exception {
    Path argFile = Files.createTempFile("driftgate-cp", ".args");
    Files.writeString(
        argFile, "-cp\n\"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-Dai.djl")) {
        cmd.add(arg);
      }
    }
    cmd.add("@" + argFile);
    cmd.add(IngestPipeline.class.getName());
    cmd.add("--spec=" + IngestFixtures.EXAMPLE_SPEC);
    cmd.add("--bootstrapServers=" + bootstrap);
    cmd.add("--lakePath=" + lake);
    cmd.add("--parallelism=2");
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static long waitForCommits(Path lake, long atLeast, Process child, Path log)
      throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < deadline) {
      if (!child.isAlive()) {
        throw new AssertionError("ingestion child exited early:\n" + Files.readString(log));
      }
      LakeIndex idx = LakeIndex.load(lake);
      long n = idx.rows() + idx.deadLetters();
      if (n >= atLeast) {
        return n;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no commits within 180 s:\n" + Files.readString(log));
  }
}
