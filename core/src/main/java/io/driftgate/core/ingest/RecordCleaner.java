package io.driftgate.core.ingest;

import io.driftgate.core.spec.Durations;
import io.driftgate.core.spec.EventTimeSpec;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.IdSpec;
import io.driftgate.core.spec.LabelKind;
import io.driftgate.core.spec.LabelNullPolicy;
import io.driftgate.core.spec.LabelSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * Validates a decoded record against the model spec and turns it into a lake row ({@link
 * CleanSchema}). Never throws for bad data: every problem becomes a {@link CleanResult.Rejected}.
 *
 * <p>Checks, in this order (the first failure wins; the data generator relies on this order):
 *
 * <ol>
 *   <li>event time missing, negative, unparseable or after year 9999: {@code BAD_EVENT_TIME}; more
 *       than {@code eventTime.maxFutureSkew} ahead of the wall clock: {@code EVENT_TIME_IN_FUTURE};
 *       more than {@code eventTime.maxAge} (when set) behind it: {@code EVENT_TIME_TOO_OLD};
 *   <li>then for each feature in spec order:
 *       <ul>
 *         <li>null and required: {@code MISSING_REQUIRED};
 *         <li>numeric NaN or infinite: policy {@code reject} gives {@code NON_FINITE}; {@code null}
 *             makes it null (a required feature then gives {@code NON_FINITE}); {@code keep} keeps
 *             it and skips the range check;
 *         <li>numeric outside [min, max]: {@code OUT_OF_RANGE};
 *         <li>categorical longer than {@code maxLength} characters (before trim): {@code TOO_LONG};
 *         <li>categorical, after trim and normalization, not in a non-empty {@code allowed}: {@code
 *             UNKNOWN_CATEGORY};
 *         <li>image and text features: the rules of {@link UnstructuredRules} ({@code
 *             IMAGE_TOO_LARGE}, {@code IMAGE_FORMAT}, {@code IMAGE_UNDECODABLE}, {@code
 *             IMAGE_SHAPE}; {@code INVALID_UTF8}, {@code TOO_LONG}, {@code EMPTY_TEXT});
 *       </ul>
 *   <li>id (when the spec has one) empty or blank: {@code EMPTY_ID}; longer than {@code
 *       id.maxLength}: {@code TOO_LONG} (a null id is kept);
 *   <li>label null with {@code label.onNull: reject}: {@code MISSING_LABEL}; a value that its kind
 *       does not allow: {@code INVALID_LABEL} (binary: 0 or 1, a boolean, or a key of {@code
 *       label.mapping}; multiclass: one of {@code label.classes} (any class {@code >= 0} when not
 *       declared) or a key of {@code label.mapping}; regression: finite and within {@code
 *       label.min}/{@code label.max}).
 * </ol>
 *
 * All these are stage {@code VALIDATE}. A value of an unexpected Java type (which a schema checked
 * by the loader does not produce) gives {@code INTERNAL} at stage {@code PREPROCESS}. Values quoted
 * in messages are shortened to {@value #SHOWN_CHARS} characters.
 *
 * <p>Accepted rows get trimmed and normalized categories, numeric features as doubles, {@code
 * event_date} and {@code event_hour} derived in UTC, the label copied (null allowed) and the source
 * columns filled. Instances are immutable after construction and safe to share between threads.
 */
public final class RecordCleaner implements Serializable {
  private static final long serialVersionUID = 1L;

  /** 9999-12-31T23:59:59.999Z: later event times cannot be written as yyyy-MM-dd. */
  static final long MAX_EVENT_TIME = 253_402_300_799_999L;

  /** Accepted values kept per categorical feature; more distinct values are checked each time. */
  static final int ACCEPTED_CATEGORIES = 1024;

  /** The longest part of a value quoted in a rejection message. */
  static final int SHOWN_CHARS = 64;

  private final ModelSpec spec;
  private final Clock clock;
  private transient volatile Schema cleanSchema;
  // Field positions, looked up once instead of by name per field per record (a hash lookup each,
  // 6% of the ingest's source thread in a JFR profile); see Layout and Inputs below.
  private transient volatile Layout layout;
  private transient volatile Inputs inputs;
  private transient volatile EventDate lastDate;

  /** Checks event times against the system clock. */
  public RecordCleaner(ModelSpec spec) {
    this(spec, Clock.systemUTC());
  }

  /**
   * Checks event times against {@code clock} ({@code eventTime.maxFutureSkew}, {@code maxAge}). The
   * clock must be serializable when the cleaner is (the system and fixed clocks are).
   */
  public RecordCleaner(ModelSpec spec, Clock clock) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.clock = Objects.requireNonNull(clock, "clock");
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
    Layout out = layout();
    Inputs in = inputs(decoded.getSchema());
    GenericData.Record row = new GenericData.Record(out.schema);

    // 1. event time
    String etField = spec.eventTimeField();
    Object etRaw = get(decoded, in.eventTime);
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
                + shorten(cs.toString())
                + "\" cannot be parsed; expected epoch milliseconds or an ISO-8601 instant");
      }
      eventTime = parsed;
    } else {
      return bad(
          etField,
          etField
              + " = "
              + shorten(String.valueOf(etRaw))
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
    CleanResult outOfBounds = checkClock(etField, eventTime);
    if (outOfBounds != null) {
      return outOfBounds;
    }
    row.put(out.eventTime, eventTime);
    row.put(out.eventDate, eventDate(eventTime));
    row.put(out.eventHour, (int) (Math.floorMod(eventTime, MILLIS_PER_DAY) / MILLIS_PER_HOUR));

    // 2. features, in spec order
    java.util.List<FeatureSpec> features = spec.features();
    for (int fi = 0; fi < features.size(); fi++) {
      FeatureSpec f = features.get(fi);
      int at = out.features[fi];
      Object raw = get(decoded, in.features[fi]);
      if (raw == null) {
        if (f.required()) {
          return reject(
              ErrorKind.MISSING_REQUIRED, f, f.name() + " is missing (null) but is required");
        }
        continue; // a new row's fields are null
      }
      if (f.isNumeric()) {
        if (!(raw instanceof Number n)) {
          return CleanResult.rejected(
              ErrorKind.INTERNAL,
              Stage.PREPROCESS,
              f.name(),
              f.name()
                  + " = "
                  + shorten(String.valueOf(raw))
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
        row.put(at, d);
      } else if (f.isCategorical()) {
        // A value seen before, as the same text, passed the same checks: the same normalized
        // String again, one instance per category (trimming and normalizing each row's text was a
        // twentieth of the ingest's source thread, and every step after this one that hashes the
        // value, the lake writer's and the monitor's, hashed a new String per row). The decoders
        // give Strings; Utf8 (another reader) is keyed by its bytes.
        Map<Object, String> accepted = out.acceptedCategories.get(fi);
        String known = raw instanceof String || raw instanceof Utf8 ? accepted.get(raw) : null;
        if (known != null) {
          row.put(at, known);
          continue;
        }
        String s = raw.toString();
        if (f.maxLength() != null && longerThan(s, f.maxLength())) {
          return reject(
              ErrorKind.TOO_LONG,
              f,
              f.name()
                  + " = \""
                  + shorten(s)
                  + "\" has "
                  + s.codePointCount(0, s.length())
                  + " characters; maxLength is "
                  + f.maxLength());
        }
        String norm = f.normalize().apply(s);
        if (!f.allowed().isEmpty() && !f.allowed().contains(norm)) {
          return reject(
              ErrorKind.UNKNOWN_CATEGORY,
              f,
              f.name()
                  + " = \""
                  + shorten(s)
                  + "\""
                  + (norm.equals(s) ? "" : " (normalized \"" + shorten(norm) + "\")")
                  + " is not an allowed category; allowed: "
                  + String.join(", ", f.allowed()));
        }
        if (accepted.size() < ACCEPTED_CATEGORIES) {
          if (raw instanceof Utf8 u) {
            accepted.put(new Utf8(u), norm); // a copy: a decoder may reuse its Utf8
          } else if (raw instanceof String text) {
            accepted.put(text, norm);
          }
        }
        row.put(at, norm);
      } else if (f.isImage() || f.isText()) {
        Object checked =
            f.isImage() ? UnstructuredRules.image(f, raw) : UnstructuredRules.text(f, raw);
        if (checked instanceof CleanResult.Rejected rejected) {
          return rejected;
        }
        row.put(at, checked);
      } else {
        return CleanResult.rejected(
            ErrorKind.INTERNAL,
            Stage.PREPROCESS,
            f.name(),
            "feature kind " + f.kind().configName() + " of " + f.name() + " is not supported yet");
      }
    }

    // 3. id, label, source columns
    IdSpec idSpec = spec.id();
    if (idSpec != null) {
      Object id = get(decoded, in.id);
      String idText = id == null ? null : id.toString();
      if (idText != null && idText.isBlank()) {
        return CleanResult.rejected(
            ErrorKind.EMPTY_ID,
            Stage.VALIDATE,
            idSpec.field(),
            idSpec.field()
                + (idText.isEmpty()
                    ? " is empty"
                    : " = \"" + shorten(idText) + "\" is blank (only whitespace)")
                + "; an id must have at least one visible character");
      }
      if (idText != null && longerThan(idText, idSpec.maxLength())) {
        return CleanResult.rejected(
            ErrorKind.TOO_LONG,
            Stage.VALIDATE,
            idSpec.field(),
            idSpec.field()
                + " = \""
                + shorten(idText)
                + "\" has "
                + idText.codePointCount(0, idText.length())
                + " characters; id.maxLength is "
                + idSpec.maxLength());
      }
      row.put(out.id, idText);
    }
    LabelSpec labelSpec = spec.label();
    String labelField = labelSpec.field();
    Object label = get(decoded, in.label);
    if (label == null) {
      if (labelSpec.onNull() == LabelNullPolicy.REJECT) {
        return CleanResult.rejected(
            ErrorKind.MISSING_LABEL,
            Stage.VALIDATE,
            labelField,
            labelField + " is missing (null) and label.onNull is reject");
      }
    } else {
      Object converted = convertLabel(label, labelSpec);
      if (converted instanceof CleanResult.Rejected rejected) {
        return rejected;
      }
      if (converted == null) {
        return CleanResult.rejected(
            ErrorKind.INTERNAL,
            Stage.PREPROCESS,
            labelField,
            labelField
                + " = "
                + shorten(String.valueOf(label))
                + " has type "
                + label.getClass().getSimpleName()
                + ", which cannot be stored as a "
                + labelSpec.kind().configName()
                + " label");
      }
      label = converted;
    }
    row.put(out.label, label);
    row.put(out.sourcePartition, ref.partition());
    row.put(out.sourceOffset, ref.offset());
    row.put(out.sourceTimestamp, ref.timestampMillis());
    return CleanResult.accepted(row);
  }

  /**
   * The label as stored (Integer or Double), a {@link CleanResult.Rejected} when its kind does not
   * allow the value, or null when the value has a Java type no label can have.
   */
  private static Object convertLabel(Object label, LabelSpec ls) {
    String field = ls.field();
    LabelKind kind = ls.kind();
    if (kind == LabelKind.REGRESSION) {
      if (!(label instanceof Number n)) {
        return null;
      }
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        return invalidLabel(
            field, field + " = " + d + " is not finite; a regression label must be");
      }
      if (ls.min() != null && d < ls.min()) {
        return invalidLabel(field, field + " = " + d + " is below label.min " + ls.min());
      }
      if (ls.max() != null && d > ls.max()) {
        return invalidLabel(field, field + " = " + d + " is above label.max " + ls.max());
      }
      return d;
    }
    long cls;
    if (!ls.mapping().isEmpty()) {
      String text = labelText(label);
      Integer mapped = text == null ? null : ls.mapping().get(text);
      if (mapped == null) {
        return invalidLabel(
            field,
            field
                + " = "
                + quote(label)
                + " is not a key of label.mapping; mapped values: "
                + String.join(", ", ls.mapping().keySet()));
      }
      cls = mapped;
    } else if (label instanceof Integer || label instanceof Long) {
      cls = ((Number) label).longValue();
    } else if (label instanceof Boolean b && kind == LabelKind.BINARY) {
      cls = b ? 1 : 0;
    } else {
      return null;
    }
    if (kind == LabelKind.BINARY && cls != 0 && cls != 1) {
      return invalidLabel(field, field + " = " + cls + " is not a binary label; expected 0 or 1");
    }
    if (kind == LabelKind.MULTICLASS) {
      if (!ls.classes().isEmpty()
          && !(cls <= Integer.MAX_VALUE && ls.classes().contains((int) cls))) {
        return invalidLabel(
            field, field + " = " + cls + " is not one of the declared classes " + ls.classes());
      }
      if (cls < 0 || cls > Integer.MAX_VALUE) {
        return invalidLabel(
            field,
            field
                + " = "
                + cls
                + " is not a class; expected a class number 0.."
                + Integer.MAX_VALUE);
      }
    }
    return (int) cls;
  }

  /** The text a label value is looked up by in {@code label.mapping}, or null for other types. */
  private static String labelText(Object label) {
    if (label instanceof CharSequence
        || label instanceof GenericData.EnumSymbol
        || label instanceof Boolean
        || label instanceof Integer
        || label instanceof Long) {
      return label.toString().trim();
    }
    return null;
  }

  private static String quote(Object v) {
    return v instanceof CharSequence || v instanceof GenericData.EnumSymbol
        ? "\"" + shorten(v.toString()) + "\""
        : shorten(String.valueOf(v));
  }

  private static CleanResult.Rejected invalidLabel(String field, String message) {
    return CleanResult.rejected(ErrorKind.INVALID_LABEL, Stage.VALIDATE, field, message);
  }

  /** EVENT_TIME_IN_FUTURE or EVENT_TIME_TOO_OLD against the clock, or null when in bounds. */
  private CleanResult checkClock(String field, long eventTime) {
    EventTimeSpec et = spec.eventTime();
    long now = clock.millis();
    long skew = et.maxFutureSkewMillis();
    if (eventTime > now && eventTime - now > skew) {
      return CleanResult.rejected(
          ErrorKind.EVENT_TIME_IN_FUTURE,
          Stage.VALIDATE,
          field,
          field
              + " = "
              + eventTime
              + " ("
              + Instant.ofEpochMilli(eventTime)
              + ") is "
              + Durations.format(Duration.ofMillis(eventTime - now))
              + " ahead of the clock ("
              + Instant.ofEpochMilli(now)
              + "); eventTime.maxFutureSkew is "
              + Durations.format(et.maxFutureSkew()));
    }
    long maxAge = et.maxAgeMillis();
    if (maxAge >= 0 && eventTime < now && now - eventTime > maxAge) {
      return CleanResult.rejected(
          ErrorKind.EVENT_TIME_TOO_OLD,
          Stage.VALIDATE,
          field,
          field
              + " = "
              + eventTime
              + " ("
              + Instant.ofEpochMilli(eventTime)
              + ") is "
              + Durations.format(Duration.ofMillis(now - eventTime))
              + " behind the clock ("
              + Instant.ofEpochMilli(now)
              + "); eventTime.maxAge is "
              + Durations.format(et.maxAge()));
    }
    return null;
  }

  /** Whether {@code s} has more than {@code max} code points (no counting when clearly shorter). */
  static boolean longerThan(String s, int max) {
    return s.length() > max && s.codePointCount(0, s.length()) > max;
  }

  /** {@code s}, or its first {@value #SHOWN_CHARS} characters and how long it is. */
  static String shorten(String s) {
    if (s.length() <= SHOWN_CHARS) {
      return s;
    }
    int end = SHOWN_CHARS;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "... (" + s.length() + " chars)";
  }

  /** The value at {@code pos}, or null when the record's schema lacks the field ({@code -1}). */
  private static Object get(GenericRecord r, int pos) {
    return pos < 0 ? null : r.get(pos);
  }

  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final long MILLIS_PER_HOUR = 3_600_000L;

  /** {@code yyyy-MM-dd} of an epoch-millis time in UTC; the last day's text is kept. */
  private String eventDate(long eventTime) {
    long day = Math.floorDiv(eventTime, MILLIS_PER_DAY);
    EventDate last = lastDate;
    if (last == null || last.day != day) {
      last = new EventDate(day, java.time.LocalDate.ofEpochDay(day).toString());
      lastDate = last;
    }
    return last.text;
  }

  private Layout layout() {
    Layout l = layout;
    if (l == null) {
      l = new Layout(cleanSchema(), spec);
      layout = l;
    }
    return l;
  }

  /** The input positions for records of {@code schema} (the last schema seen is kept). */
  private Inputs inputs(Schema schema) {
    Inputs i = inputs;
    if (i == null || i.schema != schema) {
      i = new Inputs(schema, spec);
      inputs = i;
    }
    return i;
  }

  /** One day's date text (immutable: threads sharing the cleaner may race only to remake it). */
  private record EventDate(long day, String text) {}

  /** Positions of the clean row's columns, features in spec order. Immutable. */
  private static final class Layout {
    final Schema schema;
    final int id;
    final int eventTime;
    final int eventDate;
    final int eventHour;
    final int[] features;
    final int label;
    final int sourcePartition;
    final int sourceOffset;
    final int sourceTimestamp;

    /**
     * Per feature (spec order): accepted categorical values (String, or Utf8 by its bytes),
     * normalized.
     */
    final List<Map<Object, String>> acceptedCategories;

    Layout(Schema schema, ModelSpec spec) {
      acceptedCategories = new ArrayList<>();
      for (int i = 0; i < spec.features().size(); i++) {
        acceptedCategories.add(new ConcurrentHashMap<>());
      }
      this.schema = schema;
      id = pos(schema, CleanSchema.ID);
      eventTime = pos(schema, CleanSchema.EVENT_TIME);
      eventDate = pos(schema, CleanSchema.EVENT_DATE);
      eventHour = pos(schema, CleanSchema.EVENT_HOUR);
      features = spec.features().stream().mapToInt(f -> pos(schema, f.name())).toArray();
      label = pos(schema, spec.label().field());
      sourcePartition = pos(schema, CleanSchema.SOURCE_PARTITION);
      sourceOffset = pos(schema, CleanSchema.SOURCE_OFFSET);
      sourceTimestamp = pos(schema, CleanSchema.SOURCE_TIMESTAMP);
    }

    private static int pos(Schema schema, String name) {
      Schema.Field f = schema.getField(name);
      if (f == null) {
        throw new IllegalStateException("clean schema has no column " + name);
      }
      return f.pos();
    }
  }

  /** Positions of the spec's fields in one input schema; -1 where it lacks them. Immutable. */
  private static final class Inputs {
    final Schema schema;
    final int eventTime;
    final int[] features;
    final int id;
    final int label;

    Inputs(Schema schema, ModelSpec spec) {
      this.schema = schema;
      eventTime = pos(schema, spec.eventTimeField());
      features = spec.features().stream().mapToInt(f -> pos(schema, f.name())).toArray();
      id = spec.id() == null ? -1 : pos(schema, spec.id().field());
      label = pos(schema, spec.label().field());
    }

    private static int pos(Schema schema, String name) {
      Schema.Field f = schema.getField(name);
      return f == null ? -1 : f.pos();
    }
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
