package io.driftgate.core.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * The lake's {@code unmatched_labels} table: labels from the labels topic that found no prediction
 * within {@code scoring.labels.maxDelay} (an id the job never scored, a typo'd id, a label later
 * than the delay). Its row count is the stored count of unmatched labels; rare by design, so one
 * append per bundle.
 */
public final class UnmatchedLabelsTable {
  public static final String NAME = "unmatched_labels";

  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "event_id", Types.StringType.get(), "The label's key."),
          Types.NestedField.required(2, "label", Types.IntegerType.get(), "The label."),
          Types.NestedField.required(
              3, "expired_at", Types.TimestampType.withZone(), "Event time it gave up waiting."));

  static final LakeTable TABLE = LakeTable.unpartitioned(NAME, SCHEMA);

  private UnmatchedLabelsTable() {}

  public static TableIdentifier id(String model) {
    return TABLE.id(model);
  }

  public static Table ensure(Catalog catalog, String model) {
    return TABLE.ensure(catalog, model);
  }

  /** Appends labels (event id → label, with when each expired) in one commit. */
  public static void append(Table table, List<Map.Entry<String, Integer>> labels, List<Long> at) {
    if (labels.isEmpty()) {
      return;
    }
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      Record r = GenericRecord.create(table.schema());
      r.setField("event_id", labels.get(i).getKey());
      r.setField("label", labels.get(i).getValue());
      r.setField("expired_at", LakeRows.timestamp(at.get(i)));
      rows.add(r);
    }
    AppendFiles append = table.newFastAppend();
    LakeFileWriter.writeAll(table, 0, rows).forEach(append::appendFile);
    append.commit();
  }

  /** How many unmatched labels are stored (0 when the table does not exist). */
  public static long count(Catalog catalog, String model) {
    return TABLE.read(catalog, model).size();
  }
}
