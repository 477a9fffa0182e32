package io.driftgate.streaming.ingest;

import io.driftgate.core.ingest.NullRateTracker;
import io.driftgate.core.lake.LakeBatch;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeOffsets;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.spec.KafkaSourceSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.streaming.commit.CommitLatency;
import io.driftgate.streaming.commit.SingleCommitter;
import io.driftgate.streaming.row.LakeEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ingestion outcomes into the lake's Iceberg tables, exactly once, the way Iceberg's own
 * Flink and Kafka Connect sinks do:
 *
 * <ol>
 *   <li>{@code WriteDataFiles}: each bundle's rows and dead letters go into Parquet data files of
 *       the records and dead-letter tables (rows never cross a shuffle); the bundle emits only a
 *       {@link LakeBatch}: the files' metadata and the Kafka offsets they account for. Offsets the
 *       tables already hold (a replay after a restart) are skipped.
 *   <li>{@code CommitDataFiles}: one committer (a single key; {@code @RequiresStableInput}, so on
 *       Flink it commits what a completed checkpoint holds) appends the batches of a bundle (on
 *       Flink: every batch a completed checkpoint holds) in one Iceberg commit per table whose
 *       snapshot summary records the offsets, then moves the consumer group's offset over what the
 *       lake now holds.
 * </ol>
 *
 * Files written but never committed (a crash in between) are invisible to every reader and removed
 * by {@code driftgate lake maintain}. Emits the records table's snapshot id per commit.
 */
public final class WriteToLake extends PTransform<PCollection<LakeEntry>, PCollection<Long>> {
  private static final Logger LOG = LoggerFactory.getLogger(WriteToLake.class);

  private final Config config;

  private WriteToLake(Config config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Immutable sink settings. */
  record Config(
      LakeCatalog catalog,
      String model,
      String topic,
      String rowSchemaJson,
      String bootstrapServers,
      Map<String, String> kafkaProperties,
      String consumerGroup,
      ModelSpec nullRateSpec,
      String runId)
      implements Serializable {}

  /** Builder: {@code set*} are required, {@code opt*} optional. */
  public static final class Builder {
    private LakeCatalog catalog;
    private String model;
    private String topic;
    private Schema rowSchema;
    private String bootstrapServers;
    private Map<String, String> kafkaProperties = Map.of();
    private String consumerGroup;
    private ModelSpec nullRateSpec;

    public Builder setCatalog(LakeCatalog catalog) {
      this.catalog = catalog;
      return this;
    }

    public Builder setModel(String model) {
      this.model = model;
      return this;
    }

    public Builder setTopic(String topic) {
      this.topic = topic;
      return this;
    }

    public Builder setRowSchema(Schema rowSchema) {
      this.rowSchema = rowSchema;
      return this;
    }

    /**
     * Commit durable offsets to this consumer group (skipped when not set), with the spec's extra
     * client properties ({@code source.kafka.properties}, e.g. security settings).
     */
    public Builder optOffsetCommit(
        String bootstrapServers, Map<String, String> kafkaProperties, String consumerGroup) {
      this.bootstrapServers = bootstrapServers;
      this.kafkaProperties = new TreeMap<>(kafkaProperties);
      this.consumerGroup = consumerGroup;
      return this;
    }

    /** Warn in the commit's snapshot summary when a feature's null rate exceeds its limit. */
    public Builder optNullRateLimits(ModelSpec spec) {
      this.nullRateSpec = spec;
      return this;
    }

    public WriteToLake build() {
      Objects.requireNonNull(catalog, "setCatalog is required");
      Objects.requireNonNull(model, "setModel is required");
      Objects.requireNonNull(topic, "setTopic is required");
      Objects.requireNonNull(rowSchema, "setRowSchema is required");
      return new WriteToLake(
          new Config(
              catalog,
              model,
              topic,
              rowSchema.toString(),
              bootstrapServers,
              kafkaProperties,
              consumerGroup,
              nullRateSpec,
              UUID.randomUUID().toString()));
    }
  }

  @Override
  public PCollection<Long> expand(PCollection<LakeEntry> entries) {
    // Create the tables (or evolve their schema) once, before any worker writes.
    try (Tables t = Tables.open(config)) {
      LOG.info("lake tables {} and {}", t.records.name(), t.deadLetters.name());
    }
    PCollection<LakeBatch> batches =
        entries
            .apply("WriteDataFiles", ParDo.of(new WriteDataFilesFn(config)))
            .setCoder(SerializableCoder.of(LakeBatch.class));
    return SingleCommitter.gather(batches)
        .apply("CommitDataFiles", ParDo.of(new CommitFn(config)))
        .setCoder(VarLongCoder.of());
  }

  /** The two tables, from one catalog connection. */
  static final class Tables implements Closeable {
    final Catalog catalog;
    final Table records;
    final Table deadLetters;

    private Tables(Catalog catalog, Table records, Table deadLetters) {
      this.catalog = catalog;
      this.records = records;
      this.deadLetters = deadLetters;
    }

    static Tables open(Config config) {
      Catalog catalog = config.catalog().open();
      Schema rows = new Schema.Parser().parse(config.rowSchemaJson());
      return new Tables(
          catalog,
          LakeTables.ensureRecords(catalog, config.model(), rows),
          LakeTables.ensureDeadLetters(catalog, config.model(), DeadLetter.getClassSchema()));
    }

    @Override
    public void close() {
      if (catalog instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException e) {
          LOG.debug("closing the lake catalog: {}", e.toString());
        }
      }
    }
  }

  /** Writes a bundle's entries into data files; emits their metadata + offsets, never rows. */
  static final class WriteDataFilesFn extends DoFn<LakeEntry, LakeBatch> {
    private final Config config;
    private final Counter written = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.WRITTEN);
    private final Counter deadWritten =
        Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.DEAD_LETTERS_WRITTEN);
    private final Counter duplicates =
        Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.DUPLICATES_SKIPPED);
    private final Counter dataFiles =
        Metrics.counter(IngestMetrics.NAMESPACE, "data_files_written");
    private transient Tables tables;
    private transient Map<String, OffsetRanges> rowsHeld;
    private transient Map<String, OffsetRanges> deadHeld;
    private transient LakeRows rowConverter;
    private transient LakeRows deadConverter;
    private transient GenericDatumReader<GenericRecord> rowReader;
    private transient GenericDatumReader<GenericRecord> deadReader;
    private transient BinaryDecoder decoder;
    private transient Schema rowSchema;
    private transient Schema trustedSchema;
    private transient int taskId;
    private transient String[] keys;
    private transient WriterActivity.Group activity;
    // The activity's position of each partition this writer saw, by partition (grown as needed).
    private transient java.util.concurrent.atomic.AtomicLong[] positions;
    // Per bundle.
    private transient LakeFileWriter rowWriter;
    private transient LakeFileWriter deadWriter;
    private transient LakeBatch batch;
    private transient Map<String, OffsetRanges> seen;
    private transient Map<String, Long> deadByKind;
    private transient NullRateTracker nulls;
    private transient long rows;
    private transient long skipped;
    private transient long minTimestamp;

    WriteDataFilesFn(Config config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      tables = Tables.open(config);
      // What the tables held when this instance started: a restarted job replays from the
      // group's offset, which may trail the last commit.
      rowsHeld = LakeOffsets.cumulative(tables.records, null);
      deadHeld = LakeOffsets.cumulative(tables.deadLetters, null);
      rowSchema = new Schema.Parser().parse(config.rowSchemaJson());
      rowConverter = new LakeRows(tables.records.schema(), rowSchema);
      deadConverter = new LakeRows(tables.deadLetters.schema(), DeadLetter.getClassSchema());
      rowReader = new GenericDatumReader<>(rowSchema);
      deadReader = new GenericDatumReader<>(DeadLetter.getClassSchema());
      taskId = Math.abs(UUID.randomUUID().hashCode() % 100_000);
      keys = new String[8];
      activity = WriterActivity.of(config.consumerGroup());
      positions = new java.util.concurrent.atomic.AtomicLong[16];
    }

    private java.util.concurrent.atomic.AtomicLong position(int partition) {
      if (partition >= positions.length) {
        positions =
            java.util.Arrays.copyOf(positions, Math.max(partition + 1, 2 * positions.length));
      }
      java.util.concurrent.atomic.AtomicLong p = positions[partition];
      if (p == null) {
        p = activity.position(partition);
        positions[partition] = p;
      }
      return p;
    }

    @StartBundle
    public void startBundle() {
      rowWriter = null;
      deadWriter = null;
      batch = new LakeBatch();
      seen = new HashMap<>();
      deadByKind = new TreeMap<>();
      nulls = config.nullRateSpec() == null ? null : new NullRateTracker(config.nullRateSpec());
      rows = 0;
      skipped = 0;
      minTimestamp = Long.MAX_VALUE;
    }

    @ProcessElement
    public void process(@Element LakeEntry e, @Timestamp Instant timestamp) throws IOException {
      activity.took(position(e.partition()), e.offset());
      String key = keyOf(e.partition());
      OffsetRanges held = rowsHeld.get(key);
      OffsetRanges inBundle = seen.computeIfAbsent(key, k -> new OffsetRanges());
      if ((held != null && held.contains(e.offset())) || inBundle.contains(e.offset())) {
        // The records table (the commit point) accounts for it already, or this bundle has it.
        skipped++;
        return;
      }
      // The batch takes the bundle's offsets in finishBundle (one merge, not one per record).
      inBundle.add(e.offset());
      minTimestamp = Math.min(minTimestamp, timestamp.getMillis());
      OffsetRanges deadStored = deadHeld.get(key);
      if (e.deadLetter() && deadStored != null && deadStored.contains(e.offset())) {
        // Stored by a dead-letter commit whose records commit never happened (a crash in
        // between): not written again, but this batch accounts for its offset.
        skipped++;
        return;
      }
      if (e.deadLetter()) {
        decoder = DecoderFactory.get().binaryDecoder(e.payload(), decoder);
        GenericRecord dl = deadReader.read(null, decoder);
        if (deadWriter == null) {
          deadWriter = LakeFileWriter.forAvro(tables.deadLetters, taskId, deadConverter);
        }
        deadWriter.write(dl);
        deadByKind.merge(e.errorKind(), 1L, Long::sum);
      } else {
        GenericRecord row = rowOf(e);
        if (nulls != null) {
          nulls.observe(row);
        }
        if (rowWriter == null) {
          rowWriter = LakeFileWriter.forAvro(tables.records, taskId, rowConverter);
        }
        // Straight from the Avro row into Parquet (no Iceberg record made per row).
        rowWriter.write(row);
        rows++;
      }
    }

    /** The {@code topic-partition} key, made once per partition rather than once per record. */
    private String keyOf(int partition) {
      if (partition >= keys.length) {
        keys = java.util.Arrays.copyOf(keys, Math.max(partition + 1, keys.length * 2));
      }
      String key = keys[partition];
      if (key == null) {
        key = LakeOffsets.key(config.topic(), partition);
        keys[partition] = key;
      }
      return key;
    }

    /** The entry's row as it came (chained to DecodeAndClean), else decoded from its payload. */
    private GenericRecord rowOf(LakeEntry e) throws IOException {
      GenericRecord row = e.row();
      if (row != null && (e.rowSchema() == trustedSchema || rowSchema.equals(e.rowSchema()))) {
        trustedSchema = e.rowSchema();
        return row;
      }
      decoder = DecoderFactory.get().binaryDecoder(e.payload(), decoder);
      return rowReader.read(null, decoder);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      duplicates.inc(skipped);
      // Every offset this bundle took (rows and dead letters, also those stored before).
      seen.forEach(
          (key, ranges) -> {
            if (!ranges.isEmpty()) {
              batch.offsets(key, ranges);
            }
          });
      if (batch.isEmpty() && skipped == 0) {
        return;
      }
      if (rowWriter != null) {
        List<org.apache.iceberg.DataFile> files = rowWriter.finish();
        batch.recordFiles(files, rows);
        dataFiles.inc(files.size());
      }
      if (deadWriter != null) {
        List<org.apache.iceberg.DataFile> files = deadWriter.finish();
        batch.deadLetterFiles(files, deadByKind);
        dataFiles.inc(files.size());
      }
      if (nulls != null) {
        for (NullRateTracker.Breach b : nulls.breaches()) {
          LOG.warn("{}", b.message());
          batch.warning(b.message());
        }
      }
      written.inc(rows);
      deadWritten.inc(batch.deadLetters());
      // An all-replayed bundle still emits an empty batch: the committer then moves the group's
      // offset (a crash between the catalog commit and the offset commit left it behind).
      Instant at =
          minTimestamp == Long.MAX_VALUE
              ? GlobalWindow.INSTANCE.maxTimestamp()
              : new Instant(minTimestamp);
      context.output(batch, at, GlobalWindow.INSTANCE);
    }

    @Teardown
    public void teardown() {
      if (tables != null) {
        tables.close();
      }
    }
  }

  /** The partition of a {@code topic-partition} key of this sink's topic, or -1. */
  private static int partitionOf(String key, String topic) {
    String prefix = topic + "-";
    if (!key.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(key.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The single committer: one Iceberg commit per table for all batches of a pane. */
  // The group's offset is where a restarted reader begins and what lag is measured against.
  static final class CommitFn extends DoFn<KV<Integer, Iterable<LakeBatch>>, Long> {
    private final Config config;
    private final Counter commits = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.COMMITS);
    private final CommitLatency commitLatency = CommitLatency.of(IngestMetrics.NAMESPACE);
    private transient Tables tables;
    private transient LakeCommitter committer;
    private transient Admin admin;

    /** Bytes a probe fetch asks for (see {@link #probe()}). */
    static final int PROBE_FETCH_BYTES = 64 * 1024;

    /** Reads the topic where the group's offset would stop (see {@link #firstReadable}). */
    private transient org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> probe;

    /** What the probe's last poll saw: partition, from where, the offsets read, its position. */
    private transient int seenPartition = -1;

    private transient long seenFrom;
    private transient long seenTo;
    private transient long[] seenOffsets;

    CommitFn(Config config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      tables = Tables.open(config);
      committer = new LakeCommitter(tables.records, tables.deadLetters, config.runId());
      if (config.consumerGroup() != null && config.bootstrapServers() != null) {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "driftgate-lake-committer");
        props.putAll(
            KafkaSourceSpec.clientProperties(config.bootstrapServers(), config.kafkaProperties()));
        admin = Admin.create(props);
      }
    }

    @Teardown
    public void teardown() {
      if (probe != null) {
        probe.close(java.time.Duration.ofSeconds(5));
      }
      if (admin != null) {
        admin.close(java.time.Duration.ofSeconds(5));
      }
      if (tables != null) {
        tables.close();
      }
    }

    /** The bundle's panes, merged: one commit per bundle. */
    private transient LakeBatch pending;

    private transient Instant pendingTimestamp;

    @StartBundle
    public void startBundle() {
      pending = null;
      pendingTimestamp = null;
    }

    /**
     * Takes a pane over into the bundle's commit. On Flink a completed checkpoint hands its stable
     * panes over as one bundle (one per writer bundle it holds, five or more per checkpoint at the
     * default sizes); each used to be an Iceberg commit and a consumer-group offset commit of its
     * own, seconds apart at most. Now the checkpoint is one transaction: fewer snapshots for every
     * reader to list, and one round of offset requests.
     */
    @RequiresStableInput
    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<LakeBatch>> pane, @Timestamp Instant timestamp) {
      if (pending == null) {
        pending = new LakeBatch();
      }
      for (LakeBatch b : pane.getValue()) {
        pending.merge(b);
      }
      if (pendingTimestamp == null || timestamp.isAfter(pendingTimestamp)) {
        pendingTimestamp = timestamp;
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (pending == null) {
        return;
      }
      LakeBatch merged = pending;
      Instant at = pendingTimestamp;
      pending = null;
      pendingTimestamp = null;
      long started = System.nanoTime();
      LakeCommitter.Committed committed = committer.commit(merged);
      commitLatency.since(started);
      if (!committed.replay()) {
        commits.inc();
        context.output(committed.recordsSnapshotId(), at, GlobalWindow.INSTANCE);
      }
      commitOffsets(committed.durableOffsets());
    }

    /**
     * A consumer with the reader's client properties (and so its isolation level), no group: it
     * only seeks and reads offsets, never commits.
     */
    private org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> probe() {
      if (probe == null) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "driftgate-lake-committer-probe");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // below the log start (retention) the first record is the log start's
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.putAll(
            KafkaSourceSpec.clientProperties(config.bootstrapServers(), config.kafkaProperties()));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // Small fetches: while the lake trails the topic's end, every commit asks where the first
        // record after the lake's offsets is, and the answer is nearly always "right there". A
        // reader-sized fetch (a megabyte per question, decoded) cost the broker and this thread
        // more than the commit itself; a fetch still returns at least one whole batch.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PROBE_FETCH_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, PROBE_FETCH_BYTES);
        probe =
            new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
      }
      return probe;
    }

    /**
     * {@link LakeOffsets.Readable} on the topic: the consumer's own position, which moves over
     * transaction markers (and, read_committed, aborted records) that never yield a record. One
     * poll answers every question about the offsets it covered.
     */
    private long firstReadable(int partition, long from, long to) {
      if (partition != seenPartition || from < seenFrom || from >= seenTo) {
        TopicPartition tp = new TopicPartition(config.topic(), partition);
        var c = probe();
        c.assign(List.of(tp));
        c.seek(tp, from);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        long[] offsets = new long[0];
        long position = from;
        while (System.nanoTime() < deadline) {
          var polled = c.poll(java.time.Duration.ofMillis(100)).records(tp);
          position = c.position(tp);
          if (!polled.isEmpty()) {
            offsets = polled.stream().mapToLong(r -> r.offset()).toArray();
            break;
          }
          if (position >= to) {
            break;
          }
        }
        seenPartition = partition;
        // a reset below the log start moves the position back up to it: offsets below are gone
        seenFrom = Math.min(from, offsets.length > 0 ? offsets[0] : position);
        seenTo = Math.max(from, position);
        seenOffsets = offsets;
        if (seenTo <= from) {
          return from; // nothing learned (e.g. the broker did not answer): stay
        }
      }
      for (long o : seenOffsets) {
        if (o >= from) {
          return Math.min(o, to);
        }
      }
      return Math.min(seenTo, to);
    }

    /**
     * The group's offset moves only over offsets the lake now holds contiguously from where the
     * group stands: batches may commit out of offset order (e.g. the runner's stable-input buffer
     * replays an aborted checkpoint's batches late), and skipping a gap would lose it on a restart;
     * and over offsets that hold no record to read (transaction markers, aborted, compacted or
     * expired records), which the lake never holds, so that they do not stop it.
     */
    private void commitOffsets(Map<String, OffsetRanges> durable) {
      if (admin == null) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      try {
        Map<Integer, Long> positions = new HashMap<>();
        admin
            .listConsumerGroupOffsets(config.consumerGroup())
            .partitionsToOffsetAndMetadata()
            .get()
            .forEach(
                (tp, om) -> {
                  if (tp.topic().equals(config.topic()) && om != null) {
                    positions.put(tp.partition(), om.offset());
                  }
                });
        Map<Integer, Long> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> unknown = new HashMap<>();
        durable
            .keySet()
            .forEach(
                key -> {
                  int p = partitionOf(key, config.topic());
                  if (p >= 0 && !positions.containsKey(p)) {
                    unknown.put(new TopicPartition(config.topic(), p), OffsetSpec.earliest());
                  }
                });
        if (!unknown.isEmpty()) {
          admin
              .listOffsets(unknown)
              .all()
              .get()
              .forEach((tp, info) -> earliest.put(tp.partition(), info.offset()));
        }
        Map<Integer, Long> ends = new HashMap<>();
        List<TopicPartition> held = new ArrayList<>();
        durable
            .keySet()
            .forEach(
                key -> {
                  int p = partitionOf(key, config.topic());
                  if (p >= 0) {
                    held.add(new TopicPartition(config.topic(), p));
                  }
                });
        if (!held.isEmpty()) {
          // with the reader's isolation: a read_committed reader ends at the last stable offset
          probe()
              .endOffsets(held, java.time.Duration.ofSeconds(10))
              .forEach((tp, end) -> ends.put(tp.partition(), end));
        }
        seenPartition = -1;
        LakeOffsets.groupAdvance(
                config.topic(), durable, positions, earliest, ends, this::firstReadable)
            .forEach(
                (partition, next) ->
                    offsets.put(
                        new TopicPartition(config.topic(), partition),
                        new OffsetAndMetadata(next)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        LOG.warn("could not read the group's offsets: {}", e.getCause().toString());
        return;
      } catch (org.apache.kafka.common.KafkaException e) {
        LOG.warn("could not read the topic where the group stands: {}", e.toString());
        return;
      }
      if (offsets.isEmpty()) {
        return;
      }
      try {
        admin.alterConsumerGroupOffsets(config.consumerGroup(), offsets).all().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // The lake is the source of truth; a missed commit only means a replay, which is skipped.
        LOG.warn("could not commit offsets {}: {}", offsets, e.getCause().toString());
      }
    }
  }
}
