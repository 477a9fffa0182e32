package io.driftgate.core.lake;

import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.FeatureDrift;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * The lake's {@code drift_reports} table: one row per (window report, feature), so that a query
 * engine can chart a feature's score over time without unnesting. Partitioned by {@code
 * days(window_start)}; one append per bundle of reports (the monitor closes a few windows per
 * bundle; {@code driftgate lake maintain} compacts the small files).
 */
public final class DriftReportTable {
  public static final String NAME = "drift_reports";

  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "report_id", Types.StringType.get(), "Report id."),
          Types.NestedField.required(2, "model", Types.StringType.get(), "Model spec name."),
          Types.NestedField.required(
              3, "window_start", Types.TimestampType.withZone(), "Inclusive window start."),
          Types.NestedField.required(
              4, "window_end", Types.TimestampType.withZone(), "Exclusive window end."),
          Types.NestedField.required(
              5, "reference_id", Types.StringType.get(), "Reference profile used."),
          Types.NestedField.required(6, "row_count", Types.LongType.get(), "Rows in the window."),
          Types.NestedField.required(
              7, "reference_row_count", Types.LongType.get(), "Rows in the reference."),
          Types.NestedField.required(
              8, "drifted_share", Types.DoubleType.get(), "Share of features drifted."),
          Types.NestedField.required(9, "feature", Types.StringType.get(), "Feature name."),
          Types.NestedField.required(10, "metric", Types.StringType.get(), "Metric used."),
          Types.NestedField.required(11, "score", Types.DoubleType.get(), "Metric value."),
          Types.NestedField.required(12, "threshold", Types.DoubleType.get(), "Threshold."),
          Types.NestedField.optional(13, "p_value", Types.DoubleType.get(), "p-value, if a test."),
          Types.NestedField.required(14, "drifted", Types.BooleanType.get(), "Feature drifted."),
          Types.NestedField.required(15, "null_rate", Types.DoubleType.get(), "Null rate."),
          Types.NestedField.required(
              16, "reference_null_rate", Types.DoubleType.get(), "Reference null rate."));

  /** Snapshot summary key: the comma-separated ids of the reports an append holds. */
  public static final String REPORT_IDS = "driftgate.report-ids";

  static final LakeTable TABLE = LakeTable.byDay(NAME, SCHEMA, "window_start");

  private DriftReportTable() {}

  public static TableIdentifier id(String model) {
    return TABLE.id(model);
  }

  /** Loads the table, creating it (and the namespace) first when needed. */
  public static Table ensure(Catalog catalog, String model) {
    return TABLE.ensure(catalog, model);
  }

  /** Appends one report (one row per feature) in one commit. */
  public static void append(Table table, DriftReport report) {
    append(table, List.of(report));
  }

  /**
   * Appends reports (one row per report and feature) in one commit, leaving out reports a recent
   * snapshot already holds (the monitor replayed a window it had stored before its state was
   * saved).
   */
  public static void append(Table table, List<DriftReport> reports) {
    IdempotentAppend.appendNew(
        table, REPORT_IDS, reports, r -> r.getReportId().toString(), r -> rows(table, r));
  }

  private static List<Record> rows(Table table, DriftReport report) {
    List<Record> rows = new ArrayList<>();
    for (FeatureDrift f : report.getFeatures()) {
      Record r = GenericRecord.create(table.schema());
      r.setField("report_id", report.getReportId());
      r.setField("model", report.getModel());
      r.setField("window_start", LakeRows.timestamp(report.getWindowStart().toEpochMilli()));
      r.setField("window_end", LakeRows.timestamp(report.getWindowEnd().toEpochMilli()));
      r.setField("reference_id", report.getReferenceId());
      r.setField("row_count", report.getRowCount());
      r.setField("reference_row_count", report.getReferenceRowCount());
      r.setField("drifted_share", report.getDriftedShare());
      r.setField("feature", f.getName());
      r.setField("metric", f.getMetric());
      r.setField("score", f.getScore());
      r.setField("threshold", f.getThreshold());
      r.setField("p_value", f.getPValue());
      r.setField("drifted", f.getDrifted());
      r.setField("null_rate", f.getNullRate());
      r.setField("reference_null_rate", f.getReferenceNullRate());
      rows.add(r);
    }
    return rows;
  }

  /** Every stored row of the table (current snapshot), or none when it does not exist. */
  public static List<Record> read(Catalog catalog, String model) {
    return TABLE.read(catalog, model);
  }
}
