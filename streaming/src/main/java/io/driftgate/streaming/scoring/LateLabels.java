package io.driftgate.streaming.scoring;

import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.PredictionsTable;
import io.driftgate.core.lake.UnmatchedLabelsTable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Labels that arrive after their records: read from the labels topic (key: event id, value: the
 * label as text; the record's create time is the label's event time), joined with the predictions
 * ({@link JoinLabels}, state bounded by {@code scoring.labels.maxDelay}); the pairs go to the
 * lake's {@code labelled_predictions} table and the labels that never found their prediction to
 * {@code unmatched_labels}. The output is the joined pairs, for the performance monitor ({@code
 * LabelBatches}).
 */
public final class LateLabels extends PTransform<PCollection<Prediction>, PCollection<Prediction>> {
  public static final String INVALID = "labels_invalid";

  private final String bootstrapServers;
  private final String topic;
  private final String consumerGroup;
  private final Map<String, String> kafkaProperties;
  private final java.time.Duration maxDelay;
  private final LakeCatalog catalog;
  private final String model;

  public LateLabels(
      String bootstrapServers,
      String topic,
      String consumerGroup,
      Map<String, String> kafkaProperties,
      java.time.Duration maxDelay,
      LakeCatalog catalog,
      String model) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.consumerGroup = Objects.requireNonNull(consumerGroup, "consumerGroup");
    this.kafkaProperties = Map.copyOf(kafkaProperties);
    this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.model = Objects.requireNonNull(model, "model");
  }

  /** Creates the two tables once, before any worker opens them (concurrent creation races). */
  static void ensureTables(LakeCatalog catalog, String model) {
    org.apache.iceberg.catalog.Catalog c = catalog.open();
    try {
      PredictionsTable.ensure(c, model, PredictionsTable.LABELLED);
      UnmatchedLabelsTable.ensure(c, model);
    } finally {
      if (c instanceof java.io.Closeable closeable) {
        try {
          closeable.close();
        } catch (java.io.IOException e) {
          // nothing held open matters once the tables exist
        }
      }
    }
  }

  @Override
  public PCollection<Prediction> expand(PCollection<Prediction> predictions) {
    ensureTables(catalog, model);
    Map<String, Object> consumer = new HashMap<>();
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.putAll(kafkaProperties);
    PCollection<KV<String, Integer>> labels =
        predictions
            .getPipeline()
            .apply(
                "ReadLabels",
                KafkaIO.<String, String>read()
                    .withBootstrapServers(bootstrapServers)
                    .withTopic(topic)
                    .withKeyDeserializer(StringDeserializer.class)
                    .withValueDeserializer(StringDeserializer.class)
                    .withConsumerConfigUpdates(consumer)
                    .withCreateTime(Duration.standardMinutes(1))
                    .withoutMetadata())
            .apply("ParseLabels", ParDo.of(new ParseFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    PCollectionTuple joined =
        PCollectionTuple.of(JoinLabels.PREDICTIONS, predictions)
            .and(JoinLabels.LABELS, labels)
            .apply("Join", new JoinLabels(maxDelay));
    joined
        .get(JoinLabels.JOINED)
        .apply(
            "WriteLabelledPredictions",
            new WritePredictions(catalog, model, PredictionsTable.LABELLED));
    joined
        .get(JoinLabels.UNMATCHED_LABELS)
        .apply("StoreUnmatched", ParDo.of(new StoreUnmatchedFn(catalog, model)));
    return joined.get(JoinLabels.JOINED);
  }

  /** A label is a whole number; anything else is counted and left out. */
  static final class ParseFn extends DoFn<KV<String, String>, KV<String, Integer>> {
    private final Counter invalid = Metrics.counter(ScoringMetrics.NAMESPACE, INVALID);

    @ProcessElement
    public void process(@Element KV<String, String> in, OutputReceiver<KV<String, Integer>> out) {
      if (in.getKey() == null || in.getValue() == null) {
        invalid.inc();
        return;
      }
      try {
        out.output(KV.of(in.getKey(), Integer.parseInt(in.getValue().trim())));
      } catch (NumberFormatException e) {
        invalid.inc();
      }
    }
  }

  /** One append per bundle into {@code unmatched_labels}: the stored count. */
  static final class StoreUnmatchedFn extends DoFn<KV<String, Integer>, Void> {
    private final LakeCatalog catalog;
    private final String model;
    private transient org.apache.iceberg.catalog.Catalog open;
    private transient org.apache.iceberg.Table table;
    private transient List<Map.Entry<String, Integer>> labels;
    private transient List<Long> at;

    StoreUnmatchedFn(LakeCatalog catalog, String model) {
      this.catalog = catalog;
      this.model = model;
    }

    @Setup
    public void setup() {
      open = catalog.open();
      table = UnmatchedLabelsTable.ensure(open, model);
    }

    @StartBundle
    public void startBundle() {
      labels = new ArrayList<>();
      at = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element KV<String, Integer> label, @Timestamp Instant timestamp) {
      labels.add(new AbstractMap.SimpleImmutableEntry<>(label.getKey(), label.getValue()));
      at.add(timestamp.getMillis());
    }

    @FinishBundle
    public void finishBundle() {
      UnmatchedLabelsTable.append(table, labels, at);
    }

    @Teardown
    public void teardown() throws Exception {
      if (open instanceof AutoCloseable c) {
        c.close();
      }
    }
  }
}
