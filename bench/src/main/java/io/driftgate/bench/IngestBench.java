package io.driftgate.bench;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeBatch;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.core.wire.RecordDecoders;
import io.driftgate.schemas.DeadLetter;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Ingest throughput: the Beam pipeline on the FlinkRunner (embedded local cluster) against two
 * baselines in the same process, both a plain KafkaConsumer that decodes, validates and
 * preprocesses with the same core code: one writes the rows to plain Parquet files, the other
 * writes them with the same Iceberg writer and commits them with the same committer the pipeline
 * uses. Each measurement is the median of {@code runs} (default 3); a baseline run re-reads the
 * topic until it has run at least 5 s. Usage: {@code bench/run IngestBench [records] [partitions]
 * [spec] [runs]}.
 */
public final class IngestBench {
  private static final long MIN_NANOS = 5_000_000_000L;

  /** Records per second of this process's CPU time, of the last measurement. */
  private static double lastPerCpuSecond;

  /** Wall-clock seconds the last measurement ran (all passes of a baseline; a Beam run). */
  private static double lastSeconds;

  /** One pass of a baseline over the topic, seconds, of the last measurement. */
  private static double lastPassSeconds;

  /** Where the last measurement's CPU went ({@link CpuBreakdown#describe}). */
  private static String lastBreakdown = "";

  /** The JVM's own share (JIT, GC) of the last measurement's CPU. */
  private static double lastJvmShare;

  /** That share per side, for the summary. */
  private static final Map<String, List<Double>> jvmShares = new java.util.LinkedHashMap<>();

  /** Rows + dead letters committed after each Beam run's first commit, per second after it. */
  private static final List<Double> steadyIngest = new ArrayList<>();

  private static final List<Double> steadyMonitor = new ArrayList<>();

  /**
   * The sides to run (environment {@code BENCH_SIDES}, comma-separated among parquet, iceberg,
   * ingest, monitor; all by default): a probe of one side needs no full run. A partial run's ratios
   * are NaN where a side is missing.
   */
  static final List<String> SIDES =
      List.of(
          System.getenv().getOrDefault("BENCH_SIDES", "parquet,iceberg,ingest,monitor").split(","));

  /**
   * Extra pipeline options for the Beam sides (environment {@code BENCH_BEAM_ARGS}, space
   * separated, e.g. {@code --parallelism=1}); they win over the runner defaults.
   */
  static final String[] BEAM_ARGS =
      System.getenv().getOrDefault("BENCH_BEAM_ARGS", "").isBlank()
          ? new String[0]
          : System.getenv("BENCH_BEAM_ARGS").trim().split("\\s+");

  /**
   * The Beam warm-up of earlier stops (environment {@code BENCH_WARMUP=tenth}): one untimed run
   * with the monitor over a tenth of the input, instead of one untimed run of each Beam side over
   * all of it.
   */
  static final boolean WARM_UP_TENTH = "tenth".equals(System.getenv("BENCH_WARMUP"));

  /**
   * Untimed runs of each Beam side over the whole input before the timed ones (environment {@code
   * BENCH_WARMUP_RUNS}, 3 by default; stop 28 ran 1). After one, the JIT still compiled for 3–9
   * CPU-s in each 6–10 s timed run with the monitor (the long tail of Flink's, Beam's, Iceberg's
   * and the broker's code that a job start, a checkpoint or a file close runs), and the run's
   * throughput followed it; a long-running ingest pays that once.
   */
  static final int WARM_UP_RUNS =
      Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_RUNS", "3"));

  private static double last(List<Double> xs) {
    return xs.isEmpty() ? Double.NaN : xs.get(xs.size() - 1);
  }

  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    // 1M by default: at 200k the baselines needed ~2 s per pass on an idle machine, under the
    // >= 5 s rule for every side (they re-read the topic to reach 5 s, but one pass should).
    long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path spec = Path.of(args.length > 2 ? args[2] : "examples/flight-delay/driftgate.yaml");
    // 5 by default: throughput follows the JIT's long tail, which still varies between runs.
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Path work = Files.createTempDirectory("driftgate-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec base = SpecLoader.load(spec).withBootstrapServers(kafka.bootstrapServers());
      String topic = base.source().kafka().topic();
      kafka.createTopicsFor(base, partitions);
      GeneratorConfig gen =
          GeneratorConfig.builder()
              .seed(1)
              .count(records)
              .startTimeMillis(1767571200000L)
              .eventSpacingMillis(1000)
              .format(base.source().format())
              .malformedFraction(0.01)
              .v1Fraction(0.05)
              .build();
      ProduceResult produced =
          StreamProducer.produce(kafka.bootstrapServers(), topic, gen, 0, null);
      System.out.printf("produced %,d records to %d partitions%n", produced.total(), partitions);

      // Warm-up of every path on a small slice, so none pays for class loading alone.
      baseline(base, kafka.bootstrapServers(), Math.min(20_000, records), work, false, 0);
      baseline(base, kafka.bootstrapServers(), Math.min(20_000, records), work, true, 0);

      // ... and of the Beam sides, so that no timed run loads and compiles Flink and Beam alone.
      if (WARM_UP_TENTH) {
        // Before stop 28: one untimed ingest of the first tenth of each partition (its own lake,
        // with the monitor).
        Map<Integer, Long> tenth = new HashMap<>();
        produced.endOffsets().forEach((partition, end) -> tenth.put(partition, end / 10));
        forgetGroup(kafka.bootstrapServers(), base.source().kafka().consumerGroup());
        warmUp(base, tenth, work.resolve("lake-warm-up"), true);
        System.out.printf("Beam warmed up (untimed ingest of %,d records)%n", records / 10);
      } else {
        // One untimed run of each Beam side over the whole input, as a timed run does it: a
        // tenth left the JIT compiling a quarter to a third of a timed run's CPU (the run's own
        // job, the embedded broker's and Parquet's long tail), which a long-running ingest pays
        // once.
        for (int round = 0; round < WARM_UP_RUNS; round++) {
          for (boolean withMonitor : new boolean[] {false, true}) {
            if (SIDES.contains(withMonitor ? "monitor" : "ingest")) {
              forgetGroup(kafka.bootstrapServers(), base.source().kafka().consumerGroup());
              warmUp(
                  base,
                  produced.endOffsets(),
                  work.resolve((withMonitor ? "lake-warm-up-m-" : "lake-warm-up-") + round),
                  withMonitor);
            }
          }
        }
        System.out.printf(
            "Beam warmed up (%d untimed run(s) of each Beam side over all %,d records)%n",
            WARM_UP_RUNS, records);
      }

      List<Double> parquet = new ArrayList<>();
      List<Double> iceberg = new ArrayList<>();
      List<Double> ingest = new ArrayList<>();
      List<Double> monitor = new ArrayList<>();
      List<Double> parquetCpu = new ArrayList<>();
      List<Double> icebergCpu = new ArrayList<>();
      List<Double> ingestCpu = new ArrayList<>();
      List<Double> monitorCpu = new ArrayList<>();
      Map<String, List<Double>> seconds = new java.util.LinkedHashMap<>();
      for (int run = 0; run < runs; run++) {
        if (SIDES.contains("parquet")) {
          parquet.add(baseline(base, kafka.bootstrapServers(), records, work, false, MIN_NANOS));
          progress(run, "parquet", parquet, parquetCpu, seconds);
        }
        if (SIDES.contains("iceberg")) {
          iceberg.add(baseline(base, kafka.bootstrapServers(), records, work, true, MIN_NANOS));
          progress(run, "iceberg", iceberg, icebergCpu, seconds);
        }
        if (SIDES.contains("ingest")) {
          forgetGroup(kafka.bootstrapServers(), base.source().kafka().consumerGroup());
          ingest.add(
              beamOnFlink(
                  base, false, records, produced.endOffsets(), work.resolve("lake-" + run)));
          progress(run, "ingest", ingest, ingestCpu, seconds);
        }
        if (SIDES.contains("monitor")) {
          forgetGroup(kafka.bootstrapServers(), base.source().kafka().consumerGroup());
          monitor.add(
              beamOnFlink(
                  base, true, records, produced.endOffsets(), work.resolve("lake-m-" + run)));
          progress(run, "ingest+monitor", monitor, monitorCpu, seconds);
        }
        System.out.printf(
            "run %d: parquet %,.0f  iceberg %,.0f  ingest %,.0f  ingest+monitor %,.0f records/s%n",
            run + 1, last(parquet), last(iceberg), last(ingest), last(monitor));
      }
      if (!SIDES.containsAll(List.of("parquet", "iceberg", "ingest", "monitor"))) {
        System.out.printf(
            "BENCH_SIDES=%s: a partial run for probing; a side not run reads NaN below%n", SIDES);
      }
      double p = median(parquet);
      System.out.printf(
          "after the first commit (medians): ingest %,.0f records/s (%.2f of the Iceberg"
              + " baseline), ingest+monitor %,.0f (%.2f)%n",
          median(steadyIngest),
          median(steadyIngest) / median(iceberg),
          median(steadyMonitor),
          median(steadyMonitor) / median(iceberg));
      double i = median(iceberg);
      double b = median(ingest);
      double m = median(monitor);
      String beam = org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion();
      System.out.printf(
          "medians of %d runs, %,d records, %d partitions:%n", runs, records, partitions);
      System.out.printf(
          "baseline: plain KafkaConsumer -> Parquet files:          %,8.0f records/s%n", p);
      System.out.printf(
          "baseline: plain KafkaConsumer -> Iceberg writer+commit:  %,8.0f records/s  ratio %.2f%n",
          i, i / p);
      System.out.printf(
          "driftgate ingest (Beam %s, FlinkRunner):              %,8.0f records/s  ratio %.2f"
              + " (vs Iceberg baseline %.2f)%n",
          beam, b, b / p, b / i);
      System.out.printf(
          "driftgate ingest + drift monitor (one pipeline):        %,8.0f records/s  ratio %.2f"
              + " (vs Iceberg baseline %.2f)%n",
          m, m / p, m / i);
      System.out.println(
          "(Beam figures include job start-up on the embedded Flink cluster and the last commit.)");
      double pc = median(parquetCpu);
      double ic = median(icebergCpu);
      System.out.printf(
          "per CPU-second of the process (medians): parquet %,.0f, iceberg %,.0f (%.2f),"
              + " ingest %,.0f (%.2f; %.2f of iceberg), ingest+monitor %,.0f (%.2f; %.2f)%n",
          pc,
          ic,
          ic / pc,
          median(ingestCpu),
          median(ingestCpu) / pc,
          median(ingestCpu) / ic,
          median(monitorCpu),
          median(monitorCpu) / pc,
          median(monitorCpu) / ic);
      System.out.println(
          "the JVM's own share of the CPU (JIT compilers, GC; medians): "
              + jvmShares.entrySet().stream()
                  .map(e -> String.format("%s %.0f%%", e.getKey(), 100 * median(e.getValue())))
                  .collect(java.util.stream.Collectors.joining(", ")));
      reportDurations(seconds, runs);
    }
  }

  /**
   * The bench's own rule: every side runs at least 5 s per run, median of at least 3 runs. Prints
   * each side's seconds per run and says plainly which side or run count breaks the rule.
   */
  private static void reportDurations(Map<String, List<Double>> seconds, int runs) {
    System.out.println("seconds per run (every side must run >= 5 s, median of >= 3 runs):");
    boolean ok = runs >= 3;
    for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
      double min = e.getValue().stream().mapToDouble(Double::doubleValue).min().orElse(0);
      boolean shortSide = min < MIN_NANOS / 1e9;
      ok &= !shortSide;
      StringBuilder line = new StringBuilder(String.format("  %-15s", e.getKey()));
      for (double s : e.getValue()) {
        line.append(String.format(" %7.1f", s));
      }
      line.append(shortSide ? "   SHORTER THAN 5 s: raise the record count" : "   ok");
      System.out.println(line);
    }
    if (runs < 3) {
      System.out.printf("  only %d run(s): the rule asks for the median of >= 3%n", runs);
    }
    System.out.println(
        ok
            ? "rule held: every side >= 5 s in every run, medians of >= 3 runs"
            : "RULE NOT HELD: the ratios above are not comparable (see the lines above)");
  }

  /** Each figure as soon as it is measured, with the load it was measured under. */
  private static void progress(
      int run,
      String what,
      List<Double> xs,
      List<Double> perCpu,
      Map<String, List<Double>> seconds) {
    perCpu.add(lastPerCpuSecond);
    seconds.computeIfAbsent(what, k -> new ArrayList<>()).add(lastSeconds);
    jvmShares.computeIfAbsent(what, k -> new ArrayList<>()).add(lastJvmShare);
    System.out.println("    " + lastBreakdown);
    System.out.printf(
        "  run %d %-15s %,8.0f records/s  %,8.0f records per CPU-second  %6.1f s%s"
            + "  (load average %.2f)%n",
        run + 1,
        what,
        xs.get(xs.size() - 1),
        lastPerCpuSecond,
        lastSeconds,
        lastPassSeconds > 0 ? String.format(" (one pass %.1f s)", lastPassSeconds) : "",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(xs);
    java.util.Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static void forgetGroup(String bootstrap, String group) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      admin.deleteConsumerGroups(List.of(group)).all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      // No such group yet.
    }
  }

  /** Records/s of the pipeline, bounded to the produced records, start to last commit. */
  static double beamOnFlink(
      ModelSpec base, boolean monitor, long records, Map<Integer, Long> ends, Path lake) {
    ModelSpec spec = base.withLakePath(lake);
    IngestOptions options =
        PipelineOptionsFactory.fromArgs(RunnerDefaults.withDefaults(spec.lake(), BEAM_ARGS))
            .as(IngestOptions.class);
    CpuBreakdown.Snapshot start = CpuBreakdown.snapshot();
    CpuBreakdown.Snapshot[] end = new CpuBreakdown.Snapshot[1];
    long wall0 = System.currentTimeMillis();
    // Timed to the stop condition (every offset committed), as the run reports it: the job's
    // cancellation afterwards is teardown, not ingestion. CPU time and the end of the wall time
    // are read when the condition first holds, so both figures cover the same span.
    StopCondition caughtUp =
        StopCondition.caughtUpWith(
            spec.source().kafka().bootstrapServers(),
            spec.source().kafka().topic(),
            spec.source().kafka().consumerGroup(),
            () -> ends);
    long[] stoppedAt = new long[1]; // wall millis
    StopCondition timed =
        caughtUp.and(
            () -> {
              // Checked only once every offset is committed: the first time is the end.
              if (stoppedAt[0] == 0) {
                stoppedAt[0] = System.currentTimeMillis();
                end[0] = CpuBreakdown.snapshot();
              }
              return true;
            });
    IngestResult run =
        IngestPipeline.run(options, IngestConfig.of(spec).withMonitor(monitor), timed);
    double secs = run.wallMillis() / 1e3;
    lastSeconds = secs;
    lastPassSeconds = 0;
    lastPerCpuSecond = records / CpuBreakdown.cpuSeconds(start, end[0]);
    lastBreakdown = CpuBreakdown.describe(start, end[0]);
    lastJvmShare = CpuBreakdown.jvmShare(start, end[0]);
    long wallEnd = stoppedAt[0];
    try (Lake read = Lake.open(spec)) {
      if (read.rows() + read.deadLetters() != records) {
        throw new IllegalStateException(
            "pipeline accounted for " + (read.rows() + read.deadLetters()) + " of " + records);
      }
      // Not the headline figure: start-up (submission to the first commit) and the rate after
      // it, from the records table's snapshots (commit times, rows + dead letters per commit).
      List<Lake.SnapshotInfo> commits = read.snapshots();
      Lake.SnapshotInfo first = commits.get(0);
      double startup = (first.committedAtMillis() - wall0) / 1e3;
      long afterFirst = records - first.addedRows() - first.deadLetters();
      (monitor ? steadyMonitor : steadyIngest)
          .add(afterFirst / ((wallEnd - first.committedAtMillis()) / 1e3));
      System.out.printf(
          "    %s: %.1f s in all, first commit after %.1f s, then %,.0f records/s over %d commits%n",
          monitor ? "ingest+monitor" : "ingest",
          secs,
          startup,
          afterFirst / ((wallEnd - first.committedAtMillis()) / 1e3),
          commits.size());
    }
    return records / secs;
  }

  /** One untimed Beam ingest up to {@code targets} (offsets per partition), to warm the JVM up. */
  static void warmUp(ModelSpec base, Map<Integer, Long> targets, Path lake, boolean monitor) {
    ModelSpec spec = base.withLakePath(lake);
    IngestOptions options =
        PipelineOptionsFactory.fromArgs(RunnerDefaults.withDefaults(spec.lake(), BEAM_ARGS))
            .as(IngestOptions.class);
    IngestPipeline.run(
        options,
        IngestConfig.of(spec).withMonitor(monitor),
        StopCondition.caughtUpWith(
            spec.source().kafka().bootstrapServers(),
            spec.source().kafka().topic(),
            spec.source().kafka().consumerGroup(),
            () -> targets));
  }

  /**
   * The same work without an engine: poll, decode, clean, then write Parquet files per partition
   * batch ({@code iceberg=false}) or Iceberg data files committed with offsets every {@code
   * lake.commitMaxRecords} records ({@code iceberg=true}). Re-reads the topic until at least {@code
   * minNanos} have passed; returns records/s over all passes.
   */
  static double baseline(
      ModelSpec spec, String bootstrap, long records, Path work, boolean iceberg, long minNanos)
      throws Exception {
    long t0 = System.nanoTime();
    CpuBreakdown.Snapshot start = CpuBreakdown.snapshot();
    long total = 0;
    int pass = 0;
    do {
      Path out = work.resolve((iceberg ? "iceberg-" : "parquet-") + System.nanoTime());
      total += onePass(spec, bootstrap, records, out, iceberg, pass++);
    } while (System.nanoTime() - t0 < minNanos);
    CpuBreakdown.Snapshot end = CpuBreakdown.snapshot();
    lastPerCpuSecond = total / CpuBreakdown.cpuSeconds(start, end);
    lastBreakdown = CpuBreakdown.describe(start, end);
    lastJvmShare = CpuBreakdown.jvmShare(start, end);
    lastSeconds = (System.nanoTime() - t0) / 1e9;
    lastPassSeconds = lastSeconds / pass;
    return total / lastSeconds;
  }

  private static long onePass(
      ModelSpec spec, String bootstrap, long records, Path out, boolean iceberg, int pass)
      throws Exception {
    Files.createDirectories(out);
    Schema rowSchema = CleanSchema.of(spec);
    RecordDecoder decoder =
        switch (spec.source().format()) {
          case SINGLE_OBJECT ->
              RecordDecoders.singleObject(spec.readerSchema(), spec.historySchemas());
          case CONFLUENT -> RecordDecoders.confluent(spec.readerSchema(), spec.registrySchemas());
        };
    RecordCleaner cleaner = new RecordCleaner(spec);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
    IcebergSink sink = iceberg ? new IcebergSink(spec, out, rowSchema) : null;
    int commitEvery = spec.lake().commitMaxRecords();
    long seen = 0;
    PlainParquetSink plain = iceberg ? null : new PlainParquetSink(out, rowSchema, commitEvery);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      String topic = spec.source().kafka().topic();
      List<TopicPartition> tps =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      while (seen < records) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (seen++ >= records) {
            break;
          }
          if (sink != null) {
            sink.batch.offset(topic, r.partition(), r.offset());
          }
          try {
            GenericRecord decoded = decoder.decode(r.value());
            CleanResult c =
                cleaner.clean(
                    decoded, new SourceRef(r.topic(), r.partition(), r.offset(), r.timestamp()));
            if (c instanceof CleanResult.Accepted accepted) {
              if (sink != null) {
                sink.write(accepted.row());
              } else {
                plain.write(r.partition(), accepted.row());
              }
            }
          } catch (DecodeException e) {
            // counted as a dead letter; the baselines do not store them
          }
        }
        if (sink != null) {
          if (sink.pending >= commitEvery || seen >= records) {
            sink.commit();
          }
        }
      }
    } finally {
      if (sink != null) {
        sink.close();
      }
      if (plain != null) {
        plain.close();
      }
    }
    return Math.min(seen, records);
  }

  /**
   * The Parquet baseline's writer: rows stream into one open file per Kafka partition, rolled every
   * {@code lake.commitMaxRecords} rows, written straight to the local disk (Parquet's {@code
   * LocalOutputFile}). Until issue 11's stop 23 it buffered each batch in a list and wrote it
   * through Hadoop's checksumming {@code LocalFileSystem} ({@code .crc} side files, a {@code chmod}
   * process per file): a slower baseline than the plain loop can be, which flattered the ratios.
   */
  private static final class PlainParquetSink implements AutoCloseable {
    private final Path out;
    private final Schema schema;
    private final int rollEvery;
    private final Map<Integer, org.apache.parquet.hadoop.ParquetWriter<GenericRecord>> open =
        new HashMap<>();
    private final Map<Integer, Integer> rows = new HashMap<>();
    private int file;

    PlainParquetSink(Path out, Schema schema, int rollEvery) {
      this.out = out;
      this.schema = schema;
      this.rollEvery = rollEvery;
    }

    void write(int partition, GenericRecord row) throws java.io.IOException {
      org.apache.parquet.hadoop.ParquetWriter<GenericRecord> w = open.get(partition);
      if (w == null) {
        w =
            org.apache.parquet.avro.AvroParquetWriter.<GenericRecord>builder(
                    new org.apache.parquet.io.LocalOutputFile(
                        out.resolve("part-" + partition + "-" + (file++) + ".parquet")))
                .withSchema(schema)
                .withDataModel(org.apache.avro.generic.GenericData.get())
                .withCompressionCodec(
                    org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY)
                .build();
        open.put(partition, w);
      }
      w.write(row);
      if (rows.merge(partition, 1, Integer::sum) >= rollEvery) {
        w.close();
        open.remove(partition);
        rows.remove(partition);
      }
    }

    @Override
    public void close() throws java.io.IOException {
      for (org.apache.parquet.hadoop.ParquetWriter<GenericRecord> w : open.values()) {
        w.close();
      }
      open.clear();
    }
  }

  /** The pipeline's writer and committer, driven by a plain loop. */
  private static final class IcebergSink implements AutoCloseable {
    final Catalog catalog;
    final Table records;
    final LakeCommitter committer;
    final LakeRows rows;
    LakeFileWriter writer;
    LakeBatch batch = new LakeBatch();
    long pending;

    IcebergSink(ModelSpec spec, Path lake, Schema rowSchema) {
      catalog = LakeCatalog.embedded(lake).open();
      records = LakeTables.ensureRecords(catalog, spec.model(), rowSchema);
      Table dead = LakeTables.ensureDeadLetters(catalog, spec.model(), DeadLetter.getClassSchema());
      committer = new LakeCommitter(records, dead, "bench");
      rows = new LakeRows(records.schema(), rowSchema);
    }

    void write(GenericRecord row) {
      if (writer == null) {
        writer = LakeFileWriter.forAvro(records, 1, rows);
      }
      writer.write(row);
      pending++;
    }

    void commit() {
      if (batch.isEmpty()) {
        return;
      }
      batch.recordFiles(writer == null ? List.of() : writer.finish(), pending);
      committer.commit(batch);
      writer = null;
      batch = new LakeBatch();
      pending = 0;
    }

    @Override
    public void close() throws Exception {
      if (catalog instanceof AutoCloseable c) {
        c.close();
      }
    }
  }
}
