package io.driftgate.core.ingest;

import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.LabelKind;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Validates a decoded record against the model spec and turns it into a lake row ({@link
 * CleanSchema}). Never throws for bad data: every problem becomes a {@link CleanResult.Rejected}.
 *
 * <p>Checks, in this order (the first failure wins; the data generator relies on this order):
 *
 * <ol>
 *   <li>event time missing, negative or unparseable: {@code BAD_EVENT_TIME};
 *   <li>then for each feature in spec order:
 *       <ul>
 *         <li>null and required: {@code MISSING_REQUIRED};
 *         <li>numeric NaN or infinite: policy {@code reject} gives {@code NON_FINITE}; {@code null}
 *             makes it null (a required feature then gives {@code NON_FINITE}); {@code keep} keeps
 *             it and skips the range check;
 *         <li>numeric outside [min, max]: {@code OUT_OF_RANGE};
 *         <li>categorical, after trim and normalization, not in a non-empty {@code allowed}: {@code
 *             UNKNOWN_CATEGORY}.
 *       </ul>
 * </ol>
 *
 * All these are stage {@code VALIDATE}. A value of an unexpected Java type (which a schema checked
 * by the loader does not produce) gives {@code INTERNAL} at stage {@code PREPROCESS}.
 *
 * <p>Accepted rows get trimmed and normalized categories, numeric features as doubles, {@code
 * event_date} and {@code event_hour} derived in UTC, the label copied (null allowed) and the source
 * columns filled. Instances are immutable after construction and safe to share between threads.
 */
public final class RecordCleaner implements Serializable {
  private static final long serialVersionUID = 1L;

  /** 9999-12-31T23:59:59.999Z: later event times cannot be written as yyyy-MM-dd. */
  static final long MAX_EVENT_TIME = 253_402_300_799_999L;

  private final ModelSpec spec;
  private transient volatile Schema cleanSchema;

  public RecordCleaner(ModelSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The schema of accepted rows, {@link CleanSchema#of} the spec. */
  public Schema cleanSchema() {
    Schema s = cleanSchema;
    if (s == null) {
      s = CleanSchema.of(spec);
      cleanSchema = s;
    }
    return s;
  }

  /** Validates and preprocesses one decoded record. */
  public CleanResult clean(GenericRecord decoded, SourceRef ref) {
    try {
      return doClean(decoded, ref);
    } catch (RuntimeException e) {
      return CleanResult.rejected(
          ErrorKind.INTERNAL, Stage.PREPROCESS, null, "unexpected error while cleaning: " + e);
    }
  }

  private CleanResult doClean(GenericRecord decoded, SourceRef ref) {
    if (decoded == null) {
      return CleanResult.rejected(
          ErrorKind.INTERNAL, Stage.PREPROCESS, null, "no record to clean (null)");
    }
    Schema schema = cleanSchema();
    GenericData.Record row = new GenericData.Record(schema);

    // 1. event time
    String etField = spec.eventTimeField();
    Object etRaw = get(decoded, etField);
    long eventTime;
    if (etRaw == null) {
      return bad(etField, etField + " is missing (null); expected epoch milliseconds");
    } else if (etRaw instanceof Long || etRaw instanceof Integer) {
      eventTime = ((Number) etRaw).longValue();
    } else if (etRaw instanceof Instant i) {
      eventTime = i.toEpochMilli();
    } else if (etRaw instanceof CharSequence cs) {
      Long parsed = parseTime(cs.toString().trim());
      if (parsed == null) {
        return bad(
            etField,
            etField
                + " = \""
                + cs
                + "\" cannot be parsed; expected epoch milliseconds or an ISO-8601 instant");
      }
      eventTime = parsed;
    } else {
      return bad(
          etField,
          etField
              + " = "
              + etRaw
              + " has unsupported type "
              + etRaw.getClass().getSimpleName()
              + "; expected epoch milliseconds");
    }
    if (eventTime < 0) {
      return bad(etField, etField + " = " + eventTime + " is negative; expected epoch ms >= 0");
    }
    if (eventTime > MAX_EVENT_TIME) {
      return bad(etField, etField + " = " + eventTime + " is after year 9999");
    }
    ZonedDateTime utc = Instant.ofEpochMilli(eventTime).atZone(ZoneOffset.UTC);
    row.put(CleanSchema.EVENT_TIME, eventTime);
    row.put(CleanSchema.EVENT_DATE, utc.toLocalDate().toString());
    row.put(CleanSchema.EVENT_HOUR, utc.getHour());

    // 2. features, in spec order
    for (FeatureSpec f : spec.features()) {
      Object raw = get(decoded, f.name());
      if (raw == null) {
        if (f.required()) {
          return reject(
              ErrorKind.MISSING_REQUIRED, f, f.name() + " is missing (null) but is required");
        }
        row.put(f.name(), null);
        continue;
      }
      if (f.isNumeric()) {
        if (!(raw instanceof Number n)) {
          return CleanResult.rejected(
              ErrorKind.INTERNAL,
              Stage.PREPROCESS,
              f.name(),
              f.name()
                  + " = "
                  + raw
                  + " has type "
                  + raw.getClass().getSimpleName()
                  + "; expected a number");
        }
        Double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          switch (f.nonFinite()) {
            case REJECT -> {
              return reject(
                  ErrorKind.NON_FINITE,
                  f,
                  f.name() + " = " + d + " is not finite (nonFinite: reject)");
            }
            case NULL -> {
              if (f.required()) {
                return reject(
                    ErrorKind.NON_FINITE,
                    f,
                    f.name()
                        + " = "
                        + d
                        + " is not finite; nonFinite: null makes it null, but "
                        + f.name()
                        + " is required");
              }
              d = null;
            }
            case KEEP -> {
              // kept as is; no range check
            }
          }
        } else if (f.min() != null && d < f.min()) {
          return reject(
              ErrorKind.OUT_OF_RANGE, f, f.name() + " = " + d + " is below min " + f.min());
        } else if (f.max() != null && d > f.max()) {
          return reject(
              ErrorKind.OUT_OF_RANGE, f, f.name() + " = " + d + " is above max " + f.max());
        }
        row.put(f.name(), d);
      } else if (f.isCategorical()) {
        String s = raw.toString();
        String norm = f.normalize().apply(s);
        if (!f.allowed().isEmpty() && !f.allowed().contains(norm)) {
          return reject(
              ErrorKind.UNKNOWN_CATEGORY,
              f,
              f.name()
                  + " = \""
                  + s
                  + "\""
                  + (norm.equals(s) ? "" : " (normalized \"" + norm + "\")")
                  + " is not an allowed category; allowed: "
                  + String.join(", ", f.allowed()));
        }
        row.put(f.name(), norm);
      } else {
        return CleanResult.rejected(
            ErrorKind.INTERNAL,
            Stage.PREPROCESS,
            f.name(),
            "feature kind " + f.kind().configName() + " of " + f.name() + " is not supported yet");
      }
    }

    // 3. id, label, source columns
    if (spec.idField() != null) {
      Object id = get(decoded, spec.idField());
      row.put(CleanSchema.ID, id == null ? null : id.toString());
    }
    String labelField = spec.label().field();
    Object label = get(decoded, labelField);
    if (label != null) {
      Object converted = convertLabel(label, spec.label().kind());
      if (converted == null) {
        return CleanResult.rejected(
            ErrorKind.INTERNAL,
            Stage.PREPROCESS,
            labelField,
            labelField
                + " = "
                + label
                + " has type "
                + label.getClass().getSimpleName()
                + ", which cannot be stored as a "
                + spec.label().kind().configName()
                + " label");
      }
      label = converted;
    }
    row.put(labelField, label);
    row.put(CleanSchema.SOURCE_PARTITION, ref.partition());
    row.put(CleanSchema.SOURCE_OFFSET, ref.offset());
    row.put(CleanSchema.SOURCE_TIMESTAMP, ref.timestampMillis());
    return CleanResult.accepted(row);
  }

  private static Object convertLabel(Object label, LabelKind kind) {
    if (kind == LabelKind.REGRESSION) {
      return label instanceof Number n ? n.doubleValue() : null;
    }
    if (label instanceof Integer || label instanceof Long) {
      return ((Number) label).intValue();
    }
    if (label instanceof Boolean b && kind == LabelKind.BINARY) {
      return b ? 1 : 0;
    }
    return null;
  }

  /** The value of {@code field}, or null when the record's schema lacks it. */
  private static Object get(GenericRecord r, String field) {
    Schema.Field f = r.getSchema().getField(field);
    return f == null ? null : r.get(f.pos());
  }

  private static Long parseTime(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      // try ISO-8601
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  private static CleanResult bad(String field, String message) {
    return CleanResult.rejected(ErrorKind.BAD_EVENT_TIME, Stage.VALIDATE, field, message);
  }

  private static CleanResult reject(ErrorKind kind, FeatureSpec f, String message) {
    return CleanResult.rejected(kind, Stage.VALIDATE, f.name(), message);
  }
}
