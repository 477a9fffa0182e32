package io.driftgate.cli;

import io.driftgate.core.generate.GeneratorConfig;
import io.driftgate.core.lake.LakeIndex;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.streaming.kafka.EmbeddedKafka;
import io.driftgate.streaming.kafka.ProduceResult;
import io.driftgate.streaming.kafka.StreamProducer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The whole embedded loop, as far as it exists: broker -> producer -> ingestion (Beam on a local
 * Flink cluster) -> lake, with an accounting check at the end.
 */
public final class Demo {

  /** What the demo did; {@link #balanced()} is the "nothing is lost" check. */
  public record Result(
      ProduceResult produced,
      IngestResult ingest,
      long lakeRows,
      long deadLetters,
      Map<String, Long> deadLettersByKind,
      int dataFiles,
      long duplicateOffsets,
      long wallMillis) {
    public boolean balanced() {
      return lakeRows + deadLetters == produced.total() && duplicateOffsets == 0;
    }
  }

  private Demo() {}

  public static Result run(
      ModelSpec exampleSpec,
      GeneratorConfig generator,
      int partitions,
      Path workDir,
      PrintStream out,
      boolean progress,
      String... pipelineArgs)
      throws Exception {
    long started = System.nanoTime();
    deleteRecursively(workDir);
    Files.createDirectories(workDir);
    Path lake = workDir.resolve("lake");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      out.printf(
          "[%5.1fs] Kafka (KRaft) broker up at %s%n", secs(started), kafka.bootstrapServers());
      ModelSpec spec =
          exampleSpec.withBootstrapServers(kafka.bootstrapServers()).withLakePath(lake);
      String topic = spec.source().kafka().topic();
      kafka.createTopic(topic, partitions);
      if (spec.source().kafka().deadLetterTopic() != null) {
        kafka.createTopic(spec.source().kafka().deadLetterTopic(), 1);
      }
      out.printf(
          "[%5.1fs] producing %,d records (%.1f%% malformed) to '%s' (%d partitions) while ingesting%n",
          secs(started), generator.count(), generator.malformedFraction() * 100, topic, partitions);
      CompletableFuture<ProduceResult> producing =
          CompletableFuture.supplyAsync(
              () -> StreamProducer.produce(kafka.bootstrapServers(), topic, generator, 0, null));
      IngestConfig config = IngestConfig.of(spec);
      // Stop once everything the producer wrote is durably committed.
      StopCondition caughtUp =
          StopCondition.caughtUpWith(
              kafka.bootstrapServers(),
              topic,
              spec.source().kafka().consumerGroup(),
              () -> producing.isDone() ? producing.join().endOffsets() : null);
      IngestOptions options =
          PipelineOptionsFactory.fromArgs(RunnerDefaults.withDefaults(pipelineArgs))
              .as(IngestOptions.class);
      AtomicBoolean done = new AtomicBoolean();
      Thread bar = progress ? progressBar(lake, generator.count(), out, done) : null;
      out.printf(
          "[%5.1fs] ingestion started: Beam %s on %s%n",
          secs(started),
          org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion(),
          options.getRunner().getSimpleName());
      IngestResult ingest = IngestPipeline.run(options, config, caughtUp);
      done.set(true);
      if (bar != null) {
        bar.join();
      }
      ProduceResult produced = producing.get();
      LakeIndex index = LakeIndex.load(lake);
      Result r =
          new Result(
              produced,
              ingest,
              index.rows(),
              index.deadLetters(),
              new TreeMap<>(index.deadLettersByKind()),
              index.files(io.driftgate.core.lake.CommitMarker.FileKind.DATA).size(),
              index.duplicateOffsets(),
              (System.nanoTime() - started) / 1_000_000);
      printSummary(r, lake, out);
      return r;
    }
  }

  static void printSummary(Result r, Path lake, PrintStream out) {
    out.println();
    out.println("== driftgate demo summary ==");
    out.printf("records in (produced)     %,12d%n", r.produced().total());
    out.printf("lake rows                 %,12d%n", r.lakeRows());
    out.printf("dead letters              %,12d%n", r.deadLetters());
    r.deadLettersByKind().forEach((k, v) -> out.printf("  %-22s  %,12d%n", k, v));
    out.printf("lake data files           %,12d%n", r.dataFiles());
    out.printf("duplicate offsets         %,12d%n", r.duplicateOffsets());
    out.printf(
        "accounting                %12s  (lake rows + dead letters %s records in)%n",
        r.balanced() ? "OK" : "MISMATCH", r.balanced() ? "==" : "!=");
    out.printf(
        "wall time                 %11.1fs  (ingest %.1fs, %,.0f records/s)%n",
        r.wallMillis() / 1000.0,
        r.ingest().wallMillis() / 1000.0,
        r.produced().total() / Math.max(0.001, r.ingest().wallMillis() / 1000.0));
    out.println("lake: " + lake + "   (inspect: ./driftgate lake --lake " + lake + ")");
  }

  static String describe(ProduceResult r) {
    return String.format(
        "produced %,d records in %.1f s: %s",
        r.total(), r.elapsedMillis() / 1000.0, r.malformedByKind());
  }

  private static Thread progressBar(Path lake, long total, PrintStream out, AtomicBoolean done) {
    Thread t =
        new Thread(
            () -> {
              long last = -1;
              while (true) {
                boolean finished = done.get();
                long n;
                try {
                  LakeIndex idx = LakeIndex.load(lake);
                  n = idx.rows() + idx.deadLetters();
                } catch (RuntimeException e) {
                  n = last;
                }
                if (n != last || finished) {
                  int width = 40;
                  int filled = (int) Math.min(width, total == 0 ? width : n * width / total);
                  out.printf(
                      "\r  committed [%s%s] %5.1f%%  %,d / %,d",
                      "#".repeat(filled),
                      ".".repeat(width - filled),
                      100.0 * n / Math.max(1, total),
                      n,
                      total);
                  last = n;
                }
                if (finished) {
                  out.println();
                  return;
                }
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "demo-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static double secs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
