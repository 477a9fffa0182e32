package io.driftgate.streaming.ingest;

import io.driftgate.core.ingest.NullRateTracker;
import io.driftgate.core.lake.CommitMarker;
import io.driftgate.core.lake.CommitMarker.FileKind;
import io.driftgate.core.lake.CommitMarker.LakeFile;
import io.driftgate.core.lake.LakeIndex;
import io.driftgate.core.lake.LakeLayout;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.spec.KafkaSourceSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DeadLetter;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterFirst;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits ingestion outcomes to the lake, one commit per (partition, commit window).
 *
 * <p>Commit windows are processing-time panes of the global window (every {@code commitInterval} or
 * {@code commitMaxRecords}, whichever first), so no record is ever dropped as late: event time only
 * decides the {@code event_date/event_hour} directory a row lands in. For each pane the committer:
 * skips offsets the lake already accounts for (a replay after a crash), writes Parquet files for
 * rows and dead letters, publishes one atomic marker listing the files and offset ranges, and only
 * then commits the partition's contiguous durable offset to the consumer group. Files of a pane
 * that crashed before its marker stay invisible.
 */
public final class CommitToLake
    extends PTransform<PCollection<LakeEntry>, PCollection<CommitMarker>> {
  private static final Logger LOG = LoggerFactory.getLogger(CommitToLake.class);

  private final Config config;

  private CommitToLake(Config config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Immutable committer settings. */
  record Config(
      String lakeRoot,
      String model,
      String topic,
      String rowSchemaJson,
      Duration commitInterval,
      int commitMaxRecords,
      String bootstrapServers,
      Map<String, String> kafkaProperties,
      String consumerGroup,
      ModelSpec nullRateSpec,
      String runId)
      implements Serializable {}

  /** Builder: {@code set*} are required, {@code opt*} optional. */
  public static final class Builder {
    private Path lakeRoot;
    private String model;
    private String topic;
    private Schema rowSchema;
    private java.time.Duration commitInterval = java.time.Duration.ofSeconds(5);
    private int commitMaxRecords = 50_000;
    private String bootstrapServers;
    private Map<String, String> kafkaProperties = Map.of();
    private String consumerGroup;
    private ModelSpec nullRateSpec;

    public Builder setLakeRoot(Path lakeRoot) {
      this.lakeRoot = lakeRoot;
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

    public Builder optCommitInterval(java.time.Duration interval) {
      this.commitInterval = interval;
      return this;
    }

    public Builder optCommitMaxRecords(int max) {
      this.commitMaxRecords = max;
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

    /** Warn in each commit marker when a feature's null rate exceeds its spec limit. */
    public Builder optNullRateLimits(ModelSpec spec) {
      this.nullRateSpec = spec;
      return this;
    }

    public CommitToLake build() {
      Objects.requireNonNull(lakeRoot, "setLakeRoot is required");
      Objects.requireNonNull(model, "setModel is required");
      Objects.requireNonNull(topic, "setTopic is required");
      Objects.requireNonNull(rowSchema, "setRowSchema is required");
      return new CommitToLake(
          new Config(
              lakeRoot.toAbsolutePath().normalize().toString(),
              model,
              topic,
              rowSchema.toString(),
              Duration.millis(commitInterval.toMillis()),
              commitMaxRecords,
              bootstrapServers,
              kafkaProperties,
              consumerGroup,
              nullRateSpec,
              UUID.randomUUID().toString()));
    }
  }

  @Override
  public PCollection<CommitMarker> expand(PCollection<LakeEntry> entries) {
    return entries
        .apply(
            "KeyByPartition",
            WithKeys.of((LakeEntry e) -> e.partition()).withKeyType(TypeDescriptors.integers()))
        .apply(
            "CommitWindows",
            Window.<KV<Integer, LakeEntry>>into(new GlobalWindows())
                .triggering(
                    Repeatedly.forever(
                        AfterFirst.of(
                            AfterProcessingTime.pastFirstElementInPane()
                                .plusDelayOf(config.commitInterval()),
                            AfterPane.elementCountAtLeast(config.commitMaxRecords()))))
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply("GroupPane", GroupByKey.create())
        .apply("WriteAndCommit", ParDo.of(new CommitPaneFn(config)))
        .setCoder(org.apache.beam.sdk.coders.SerializableCoder.of(CommitMarker.class));
  }

  /** Writes one pane's files and marker. One instance handles a partition at a time. */
  static final class CommitPaneFn extends DoFn<KV<Integer, Iterable<LakeEntry>>, CommitMarker> {
    /** Offsets already in the lake, per run + partition; loaded from the markers on first use. */
    private static final Map<String, OffsetRanges> COMMITTED = new ConcurrentHashMap<>();

    private final Config config;
    private final Counter written = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.WRITTEN);
    private final Counter deadWritten =
        Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.DEAD_LETTERS_WRITTEN);
    private final Counter duplicates =
        Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.DUPLICATES_SKIPPED);
    private final Counter commits = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.COMMITS);
    private transient Schema rowSchema;
    private transient LakeLayout layout;
    private transient Admin admin;
    private transient org.apache.hadoop.conf.Configuration hadoopConf;

    CommitPaneFn(Config config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      rowSchema = new Schema.Parser().parse(config.rowSchemaJson());
      layout = new LakeLayout(Paths.get(config.lakeRoot()));
      // One per DoFn instance (one thread): without it ParquetIO's sink builds a default Hadoop
      // Configuration, parsing core-default.xml, for every file it writes.
      hadoopConf = new org.apache.hadoop.conf.Configuration(false);
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
      if (admin != null) {
        admin.close(java.time.Duration.ofSeconds(5));
      }
    }

    private OffsetRanges committed(int partition) {
      return COMMITTED.computeIfAbsent(
          config.runId() + "|" + partition,
          k -> LakeIndex.load(layout.root()).offsets(config.topic(), partition));
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<LakeEntry>> pane, OutputReceiver<CommitMarker> out)
        throws IOException {
      int partition = pane.getKey();
      OffsetRanges already = committed(partition);
      // Dedupe: replays after a restart, and repeats within the pane, are dropped by offset.
      TreeMap<Long, LakeEntry> fresh = new TreeMap<>();
      long skipped = 0;
      for (LakeEntry e : pane.getValue()) {
        if (already.contains(e.offset()) || fresh.putIfAbsent(e.offset(), e) != null) {
          skipped++;
        }
      }
      duplicates.inc(skipped);
      if (fresh.isEmpty()) {
        // All replayed: a crash came between publishing the marker and committing the group's
        // offset. Commit it now, or a caught-up partition with no new data stays behind forever.
        commitOffset(partition, already);
        return;
      }
      String commitId = LakeLayout.newCommitId(partition, System.currentTimeMillis());
      TreeMap<String, List<LakeEntry>> rowsByHour = new TreeMap<>();
      TreeMap<String, List<LakeEntry>> deadByDate = new TreeMap<>();
      Map<String, Long> deadByKind = new TreeMap<>();
      for (LakeEntry e : fresh.values()) {
        if (e.deadLetter()) {
          deadByDate
              .computeIfAbsent(LakeLayout.eventDate(e.timeMillis()), k -> new ArrayList<>())
              .add(e);
          deadByKind.merge(e.errorKind(), 1L, Long::sum);
        } else {
          String key =
              LakeLayout.eventDate(e.timeMillis()) + "|" + LakeLayout.eventHour(e.timeMillis());
          rowsByHour.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
      }
      List<LakeFile> files = new ArrayList<>();
      long rows = 0;
      NullRateTracker nulls = null;
      if (config.nullRateSpec() != null) {
        nulls = new NullRateTracker(config.nullRateSpec());
      }
      for (Map.Entry<String, List<LakeEntry>> g : rowsByHour.entrySet()) {
        String[] dateHour = g.getKey().split("\\|");
        String rel = LakeLayout.dataFile(dateHour[0], Integer.parseInt(dateHour[1]), commitId);
        writeParquet(layout.resolve(rel), rowSchema, g.getValue(), nulls, hadoopConf);
        files.add(
            fileOf(rel, FileKind.DATA, dateHour[0], Integer.parseInt(dateHour[1]), g.getValue()));
        rows += g.getValue().size();
      }
      long dead = 0;
      for (Map.Entry<String, List<LakeEntry>> g : deadByDate.entrySet()) {
        String rel = LakeLayout.deadLetterFile(g.getKey(), commitId);
        writeParquet(
            layout.resolve(rel), DeadLetter.getClassSchema(), g.getValue(), null, hadoopConf);
        files.add(fileOf(rel, FileKind.DEAD_LETTERS, g.getKey(), -1, g.getValue()));
        dead += g.getValue().size();
      }
      long[] offsets = fresh.keySet().stream().mapToLong(Long::longValue).toArray();
      OffsetRanges ranges = OffsetRanges.fromOffsets(offsets);
      List<long[]> pairs = new ArrayList<>();
      ranges.ranges().forEach(r -> pairs.add(new long[] {r.from(), r.to()}));
      CommitMarker marker =
          new CommitMarker(
              commitId,
              config.model(),
              System.currentTimeMillis(),
              config.topic(),
              partition,
              pairs,
              rows,
              dead,
              deadByKind,
              files,
              warnings(nulls, partition));
      layout.publish(marker);
      already.addAll(ranges);
      written.inc(rows);
      deadWritten.inc(dead);
      commits.inc();
      commitOffset(partition, already);
      out.output(marker);
    }

    /** The group's offset moves only over offsets the lake now accounts for. */
    private void commitOffset(int partition, OffsetRanges durable) {
      if (admin == null) {
        return;
      }
      long next = durable.contiguousEnd(0);
      try {
        admin
            .alterConsumerGroupOffsets(
                config.consumerGroup(),
                Map.of(new TopicPartition(config.topic(), partition), new OffsetAndMetadata(next)))
            .all()
            .get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // The lake is the source of truth; a missed commit only means a replay, which is deduped.
        LOG.warn(
            "could not commit offset {} for {}-{}: {}",
            next,
            config.topic(),
            partition,
            e.getCause().toString());
      }
    }

    private static List<String> warnings(NullRateTracker nulls, int partition) {
      if (nulls == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (NullRateTracker.Breach b : nulls.breaches()) {
        LOG.warn("partition {}: {}", partition, b.message());
        out.add(b.message());
      }
      return out;
    }

    private static LakeFile fileOf(
        String rel, FileKind kind, String date, int hour, List<LakeEntry> entries) {
      long min = entries.stream().mapToLong(LakeEntry::timeMillis).min().orElse(0);
      long max = entries.stream().mapToLong(LakeEntry::timeMillis).max().orElse(0);
      return new LakeFile(rel, kind, date, hour, entries.size(), min, max);
    }

    private static void writeParquet(
        Path file,
        Schema schema,
        List<LakeEntry> entries,
        NullRateTracker nulls,
        org.apache.hadoop.conf.Configuration conf)
        throws IOException {
      Files.createDirectories(file.getParent());
      GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
      BinaryDecoder decoder = null;
      ParquetIO.Sink sink = ParquetIO.sink(schema).withConfiguration(conf);
      entries.sort(Comparator.comparingLong(LakeEntry::offset));
      try (FileChannel channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        sink.open(channel);
        for (LakeEntry e : entries) {
          decoder = DecoderFactory.get().binaryDecoder(e.payload(), decoder);
          GenericRecord record = reader.read(null, decoder);
          if (nulls != null) {
            nulls.observe(record);
          }
          sink.write(record);
        }
        sink.flush();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }
}
