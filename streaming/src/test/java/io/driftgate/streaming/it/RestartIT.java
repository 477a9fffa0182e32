package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.fault.Faults;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeAudit;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.KafkaOffsets;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash the ingestion process three times at different moments (a kill -9 mid-stream, a halt after
 * data files were written but before the catalog commit, a halt between the dead-letter and the
 * records table commits), then let it catch up: the lake ends with every valid record exactly once,
 * and the files the crashes left behind are invisible to readers.
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
      // The children and the last run read the tests' spec (1 s commits, IngestFixtures): each
      // crash is placed by commit count, not by time, so shorter commits only shorten the waits.
      Path specFile = IngestFixtures.exampleSpecFile(work.resolve("spec"));

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

      // 1. kill -9 from outside while data is arriving.
      Process first =
          startChild(specFile, kafka.bootstrapServers(), lake, work.resolve("first.log"), null);
      long committedAtKill = waitForCommits(spec, 5_000, first, work.resolve("first.log"));
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertThat(committedAtKill).as("killed mid-stream").isLessThan(total);

      // 2. Halts on its second commit: data files written, catalog commit never made.
      long before2 = accounted(spec);
      Process second =
          startChild(
              specFile,
              kafka.bootstrapServers(),
              lake,
              work.resolve("second.log"),
              Faults.LAKE_BEFORE_COMMIT + "@2");
      assertThat(second.waitFor(180, TimeUnit.SECONDS)).as("second run halted itself").isTrue();
      assertThat(second.exitValue()).isEqualTo(137);
      assertThat(Files.readString(work.resolve("second.log")))
          .contains("halting at " + Faults.LAKE_BEFORE_COMMIT);
      long after2 = accounted(spec);
      assertThat(after2).as("its first commit landed, the second did not").isGreaterThan(before2);

      // 3. Halts between the two tables' commits of its first batch with dead letters.
      Process third =
          startChild(
              specFile,
              kafka.bootstrapServers(),
              lake,
              work.resolve("third.log"),
              Faults.LAKE_BETWEEN_TABLE_COMMITS);
      assertThat(third.waitFor(180, TimeUnit.SECONDS)).as("third run halted itself").isTrue();
      assertThat(Files.readString(work.resolve("third.log")))
          .contains("halting at " + Faults.LAKE_BETWEEN_TABLE_COMMITS);

      ProduceResult produced = producing.get(5, TimeUnit.MINUTES);
      long afterCrashes = accounted(spec);
      assertThat(afterCrashes).isLessThan(total);

      // Last run: reads what the group has not durably committed, and finishes.
      IngestResult last =
          IngestPipeline.run(
              "--spec=" + specFile,
              "--bootstrapServers=" + kafka.bootstrapServers(),
              "--lakePath=" + lake,
              "--untilCaughtUp=true",
              "--parallelism=2");

      try (Lake index = Lake.open(spec)) {
        long dead = produced.malformed();
        assertThat(index.rows() + index.deadLetters())
            .as(() -> diagnosis(index, kafka.bootstrapServers(), topic, group))
            .isEqualTo(produced.total());
        assertThat(index.deadLetters()).isEqualTo(dead);
        LakeAudit audit = LakeAudit.of(index, topic);
        assertThat(audit.duplicatePositions()).isZero();
        assertThat(audit.consistent()).isTrue();
        assertThat(KafkaOffsets.positions(kafka.bootstrapServers(), topic, group).pending())
            .isZero();

        // Exactly once: each valid event id appears once in the committed lake.
        Map<String, Integer> seen = new HashMap<>();
        for (Record r : IngestFixtures.lakeRows(index)) {
          seen.merge(r.getField("id").toString(), 1, Integer::sum);
        }
        assertThat(seen).hasSize((int) (produced.total() - dead));
        assertThat(seen.values()).allMatch(n -> n == 1);
        assertThat(last.rowsWritten() + last.deadLettersWritten())
            .isEqualTo(produced.total() - afterCrashes);

        // The crashes left data files no snapshot references: on disk, invisible to readers.
        long referenced = referencedFiles(index);
        assertThat(dataFilesOnDisk(lake))
            .as("files on disk include the crashes' uncommitted ones")
            .isGreaterThan(referenced);
      }
      // Lake maintenance removes them (and compacts); the lake's content is unchanged.
      try (Lake index = Lake.open(spec)) {
        LakeMaintenance.Result done =
            LakeMaintenance.maintain(
                index,
                java.util.Set.of(),
                LakeMaintenance.Options.defaults().withOrphanGrace(java.time.Duration.ZERO));
        assertThat(done.records().orphansRemoved() + done.deadLetters().orphansRemoved())
            .isPositive();
      }
      try (Lake index = Lake.open(spec)) {
        assertThat(index.rows() + index.deadLetters()).isEqualTo(produced.total());
        assertThat(LakeAudit.of(index, topic).consistent()).isTrue();
        LakeMaintenance.Result again =
            LakeMaintenance.maintain(
                index,
                java.util.Set.of(),
                LakeMaintenance.Options.defaults()
                    .withOrphanGrace(java.time.Duration.ZERO)
                    .withDryRun(true));
        assertThat(again.records().orphans()).isEmpty();
        assertThat(again.deadLetters().orphans()).isEmpty();
      }
    }
  }

  /**
   * What a failed accounting check needs to be explained: the offsets the data holds against those
   * the summaries claim, where the group stands, and each table's commit history.
   */
  private String diagnosis(Lake lake, String bootstrap, String topic, String group) {
    StringBuilder out = new StringBuilder("\n");
    LakeAudit audit = LakeAudit.of(lake, topic);
    out.append("data positions: ").append(audit.positions()).append('\n');
    out.append("records claim:  ").append(audit.claimed()).append('\n');
    out.append("dead letters claim: ").append(lake.deadLetterOffsets()).append('\n');
    out.append("group committed: ")
        .append(KafkaOffsets.positions(bootstrap, topic, group).committed())
        .append('\n');
    for (org.apache.iceberg.Table t : List.of(lake.recordsTable(), lake.deadLetterTable())) {
      out.append(t.name()).append(" history:\n");
      for (org.apache.iceberg.Snapshot s : t.snapshots()) {
        out.append("  ")
            .append(s.snapshotId())
            .append(" parent=")
            .append(s.parentId())
            .append(' ')
            .append(s.summary().get("driftgate.writer"))
            .append(" added=")
            .append(s.summary().get("added-records"))
            .append(" commit=")
            .append(s.summary().get("driftgate.commit-offsets"))
            .append('\n');
      }
    }
    for (String log : List.of("first.log", "second.log", "third.log")) {
      try {
        List<String> lines = Files.readAllLines(work.resolve(log));
        out.append("-- ").append(log).append(" (warnings and errors):\n");
        lines.stream()
            .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception"))
            .limit(40)
            .forEach(l -> out.append("  ").append(l).append('\n'));
      } catch (java.io.IOException e) {
        out.append("-- ").append(log).append(": ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  /** Rows + dead letters the lake holds now. */
  private static long accounted(ModelSpec spec) {
    try (Lake lake = Lake.open(spec)) {
      return lake.rows() + lake.deadLetters();
    }
  }

  /** Parquet data files under the warehouse (records and dead letters). */
  static long dataFilesOnDisk(Path lake) throws Exception {
    try (var files = Files.walk(lake.resolve("warehouse"))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  /** Data files the current snapshots of both tables reference. */
  static long referencedFiles(Lake lake) {
    long n = lake.files().size();
    try (var tasks = lake.deadLetterTable().newScan().planFiles()) {
      for (var t : tasks) {
        n++;
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return n;
  }

  /** Runs the ingestion main in its own JVM, as `driftgate ingest` would. */
  private static Process startChild(
      Path specFile, String bootstrap, Path lake, Path log, String fault) throws Exception {
    Path argFile = Files.createTempFile("driftgate-cp", ".args");
    argFile.toFile().deleteOnExit(); // read by the child at its start; gone with the test JVM
    Files.writeString(
        argFile, "-cp\n\"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-Dai.djl") || arg.startsWith("-XX:")) {
        cmd.add(arg);
      }
    }
    if (fault != null) {
      cmd.add("-Ddriftgate.fault=" + fault);
    }
    cmd.add("@" + argFile);
    cmd.add(IngestPipeline.class.getName());
    cmd.add("--spec=" + specFile);
    cmd.add("--bootstrapServers=" + bootstrap);
    cmd.add("--lakePath=" + lake);
    cmd.add("--parallelism=2");
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static long waitForCommits(ModelSpec spec, long atLeast, Process child, Path log)
      throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < deadline) {
      if (!child.isAlive()) {
        throw new AssertionError("ingestion child exited early:\n" + Files.readString(log));
      }
      long n = accounted(spec);
      if (n >= atLeast) {
        return n;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no commits within 180 s:\n" + Files.readString(log));
  }
}
