package io.driftgate.core.lake;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * The lake's {@code predictions} table: one row per record the champion scored, with the version
 * that scored it, so a query can join predictions to labels and tell which model said what.
 * Partitioned by {@code days(event_time)}. Data files are written by the scoring stage's workers
 * and appended by one committer; each append names its batches in the snapshot summary, so a
 * replayed batch (a restart between commit and checkpoint) is not appended twice.
 */
public final class PredictionsTable {
  public static final String NAME = "predictions";

  /** Predictions joined with labels that arrived later (same columns, label always set). */
  public static final String LABELLED = "labelled_predictions";

  /** Snapshot summary key: the comma-separated ids of the batches an append holds. */
  public static final String BATCHES = "driftgate.prediction-batches";

  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "event_id", Types.StringType.get(), "Record id, if any."),
          Types.NestedField.required(
              2, "event_time", Types.TimestampType.withZone(), "Event time of the record."),
          Types.NestedField.required(
              3, "model_version", Types.StringType.get(), "Registry version that scored it."),
          Types.NestedField.required(
              4,
              "score",
              Types.DoubleType.get(),
              "P(class 1) of a binary model; a multiclass model's p of its predicted class."),
          Types.NestedField.required(
              5,
              "predicted_class",
              Types.IntegerType.get(),
              "Binary: class at the threshold; multiclass: the most probable class."),
          Types.NestedField.optional(
              6, "label", Types.IntegerType.get(), "The record's label, if it carried one."),
          Types.NestedField.required(
              7, "source_partition", Types.IntegerType.get(), "Kafka partition."),
          Types.NestedField.required(8, "source_offset", Types.LongType.get(), "Kafka offset."),
          // added with multiclass scoring: optional, so a table written before gains them
          Types.NestedField.optional(
              9,
              "predicted_probability",
              Types.DoubleType.get(),
              "The model's probability of the predicted class."),
          Types.NestedField.optional(
              10,
              "label_probability",
              Types.DoubleType.get(),
              "The model's probability of the label's class, once the label is known."),
          Types.NestedField.optional(
              11,
              "class_probabilities",
              Types.ListType.ofRequired(12, Types.DoubleType.get()),
              "A multiclass model's probability of each class 0..k-1 (null for binary)."));

  static final LakeTable TABLE = LakeTable.byDay(NAME, SCHEMA, "event_time");

  private PredictionsTable() {}

  public static TableIdentifier id(String model) {
    return id(model, NAME);
  }

  /** A table of prediction rows: {@link #NAME} or {@link #LABELLED}. */
  public static TableIdentifier id(String model, String table) {
    return TABLE.named(table).id(model);
  }

  /** Loads the table, creating it (and the namespace) first when needed. */
  public static Table ensure(Catalog catalog, String model) {
    return ensure(catalog, model, NAME);
  }

  /** Loads a table of prediction rows, creating it first when needed. */
  public static Table ensure(Catalog catalog, String model, String table) {
    return TABLE.named(table).ensure(catalog, model);
  }

  /**
   * One prediction as a row of {@code table}.
   *
   * @param classProbabilities a multiclass model's probability of each class, or null (binary)
   * @param labelProbability the probability of the label's class, or null without a label
   */
  public static Record row(
      Table table,
      String eventId,
      long eventTimeMillis,
      String modelVersion,
      double score,
      int predictedClass,
      Integer label,
      int partition,
      long offset,
      double predictedProbability,
      Double labelProbability,
      List<Double> classProbabilities) {
    Record r = GenericRecord.create(table.schema());
    r.setField("event_id", eventId);
    r.setField("event_time", LakeRows.timestamp(eventTimeMillis));
    r.setField("model_version", modelVersion);
    r.setField("score", score);
    r.setField("predicted_class", predictedClass);
    r.setField("label", label);
    r.setField("source_partition", partition);
    r.setField("source_offset", offset);
    r.setField("predicted_probability", predictedProbability);
    r.setField("label_probability", labelProbability);
    r.setField("class_probabilities", classProbabilities);
    return r;
  }

  /**
   * Appends the batches' files (batch id to its files) in one commit, leaving out batches a recent
   * snapshot already holds.
   *
   * @return the files appended (0 when every batch was a replay)
   */
  public static int append(Table table, java.util.Map<String, List<DataFile>> batches) {
    java.util.Set<String> done = IdempotentAppend.committed(table, BATCHES);
    List<String> ids = new ArrayList<>();
    List<DataFile> files = new ArrayList<>();
    for (java.util.Map.Entry<String, List<DataFile>> b : batches.entrySet()) {
      if (done.contains(b.getKey()) || b.getValue().isEmpty()) {
        continue;
      }
      ids.add(b.getKey());
      files.addAll(b.getValue());
    }
    IdempotentAppend.append(table, BATCHES, ids, files);
    return files.size();
  }

  /** Every stored row (current snapshot), or none when the table does not exist. */
  public static List<Record> read(Catalog catalog, String model) {
    return read(catalog, model, NAME);
  }

  /** Every stored row of a table of prediction rows, or none when it does not exist. */
  public static List<Record> read(Catalog catalog, String model, String table) {
    return TABLE.named(table).read(catalog, model);
  }
}
