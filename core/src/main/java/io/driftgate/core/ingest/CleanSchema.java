package io.driftgate.core.ingest;

import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.LabelKind;
import io.driftgate.core.spec.LakeColumns;
import io.driftgate.core.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The Avro schema of the lake rows that {@link RecordCleaner} produces for a model: {@code id},
 * {@code event_time}, {@code event_date}, {@code event_hour}, one column per feature in spec order,
 * the label under its own name, then {@code _source_partition}, {@code _source_offset} and {@code
 * _source_timestamp}.
 */
public final class CleanSchema {
  public static final String NAMESPACE = "io.driftgate.lake";
  public static final String ID = LakeColumns.ID;
  public static final String EVENT_TIME = LakeColumns.EVENT_TIME;
  public static final String EVENT_DATE = LakeColumns.EVENT_DATE;
  public static final String EVENT_HOUR = LakeColumns.EVENT_HOUR;
  public static final String SOURCE_PARTITION = LakeColumns.SOURCE_PARTITION;
  public static final String SOURCE_OFFSET = LakeColumns.SOURCE_OFFSET;
  public static final String SOURCE_TIMESTAMP = LakeColumns.SOURCE_TIMESTAMP;

  /** Column names that features and the label cannot use. */
  public static final List<String> RESERVED_COLUMNS = LakeColumns.RESERVED;

  private CleanSchema() {}

  /** The lake row schema for {@code spec}. */
  public static Schema of(ModelSpec spec) {
    Schema reader = spec.readerSchema();
    List<Schema.Field> fields = new ArrayList<>();
    fields.add(
        nullable(
            ID,
            Schema.Type.STRING,
            spec.idField() == null
                ? "Record id; always null because the spec declares no id field."
                : "Record id, copied from input field '" + spec.idField() + "' as a string."));
    fields.add(
        new Schema.Field(
            EVENT_TIME,
            timestampMillis(),
            "Event time, epoch milliseconds UTC, from input field '"
                + spec.eventTimeField()
                + "'."));
    fields.add(
        new Schema.Field(
            EVENT_DATE,
            Schema.create(Schema.Type.STRING),
            "UTC date of event_time, yyyy-MM-dd (lake partition column)."));
    fields.add(
        new Schema.Field(
            EVENT_HOUR,
            Schema.create(Schema.Type.INT),
            "UTC hour of event_time, 0 to 23 (lake partition column)."));
    for (FeatureSpec f : spec.features()) {
      Schema.Field src = reader.getField(f.name());
      String srcDoc = src == null || src.doc() == null ? "" : " Input: " + src.doc();
      if (f.isNumeric()) {
        fields.add(
            nullable(
                f.name(),
                Schema.Type.DOUBLE,
                "Numeric feature, as double; null when missing."
                    + (f.min() != null || f.max() != null
                        ? " Validated range [" + f.min() + ", " + f.max() + "]."
                        : "")
                    + srcDoc));
      } else if (f.isImage()) {
        fields.add(
            nullable(
                f.name(),
                Schema.Type.BYTES,
                "Image feature ("
                    + f.image().channels()
                    + "x"
                    + f.image().height()
                    + "x"
                    + f.image().width()
                    + "), the bytes as received (PNG, JPEG or raw tensor); null when missing."
                    + srcDoc));
      } else if (f.isText()) {
        fields.add(
            nullable(
                f.name(),
                Schema.Type.STRING,
                "Text feature"
                    + (f.text().normalize() == io.driftgate.core.spec.TextOptions.Normalization.NFKC
                        ? ", NFKC-normalised, lower-cased, white space collapsed"
                        : ", as received")
                    + "; null when missing."
                    + srcDoc));
      } else {
        fields.add(
            nullable(
                f.name(),
                Schema.Type.STRING,
                "Categorical feature, trimmed"
                    + switch (f.normalize()) {
                      case NONE -> "";
                      case UPPER -> " and upper-cased";
                      case LOWER -> " and lower-cased";
                    }
                    + "; null when missing."
                    + srcDoc));
      }
    }
    LabelKind kind = spec.label().kind();
    fields.add(
        nullable(
            spec.label().field(),
            kind == LabelKind.REGRESSION ? Schema.Type.DOUBLE : Schema.Type.INT,
            "Label ("
                + kind.configName()
                + "), copied from input field '"
                + spec.label().field()
                + "'; null when not yet known."));
    fields.add(
        new Schema.Field(
            SOURCE_PARTITION,
            Schema.create(Schema.Type.INT),
            "Kafka partition the record was read from."));
    fields.add(
        new Schema.Field(
            SOURCE_OFFSET,
            Schema.create(Schema.Type.LONG),
            "Kafka offset of the record within its partition."));
    fields.add(
        new Schema.Field(
            SOURCE_TIMESTAMP, timestampMillis(), "Kafka record timestamp, epoch milliseconds."));
    return Schema.createRecord(
        recordName(spec.model()),
        "Cleaned lake row of model '" + spec.model() + "', written by driftgate ingest.",
        NAMESPACE,
        false,
        fields);
  }

  /** {@code flight-delay} becomes {@code FlightDelayRow}. */
  public static String recordName(String model) {
    StringBuilder sb = new StringBuilder();
    for (String part : model.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    if (sb.length() == 0 || !Character.isLetter(sb.charAt(0))) {
      sb.insert(0, "Model");
    }
    return sb.append("Row").toString();
  }

  private static Schema timestampMillis() {
    return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
  }

  private static Schema.Field nullable(String name, Schema.Type type, String doc) {
    Schema s = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(type));
    return new Schema.Field(name, s, doc, JsonProperties.NULL_VALUE);
  }
}
