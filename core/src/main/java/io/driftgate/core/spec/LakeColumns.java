package io.driftgate.core.spec;

import java.util.List;

/**
 * The fixed columns of a model's lake rows, beside its features and label. They live with the spec
 * because validating a spec rejects features and labels that take these names; {@code
 * io.driftgate.core.ingest.CleanSchema} builds the row schema from them.
 */
public final class LakeColumns {
  public static final String ID = "id";
  public static final String EVENT_TIME = "event_time";
  public static final String EVENT_DATE = "event_date";
  public static final String EVENT_HOUR = "event_hour";
  public static final String SOURCE_PARTITION = "_source_partition";
  public static final String SOURCE_OFFSET = "_source_offset";
  public static final String SOURCE_TIMESTAMP = "_source_timestamp";

  /** Column names that features and the label cannot use. */
  public static final List<String> RESERVED =
      List.of(
          ID,
          EVENT_TIME,
          EVENT_DATE,
          EVENT_HOUR,
          SOURCE_PARTITION,
          SOURCE_OFFSET,
          SOURCE_TIMESTAMP);

  private LakeColumns() {}
}
