package io.driftgate.streaming.ingest;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import io.driftgate.streaming.row.LakeEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Decode -> validate -> preprocess, in one pass ({@link RecordClassifier}: size limit, decoder,
 * {@link RecordCleaner}). Every input leaves on exactly one of two tagged outputs: {@link #ROWS}
 * (cleaned lake rows) or {@link #DEAD_LETTERS} (the original bytes, the reason and the source
 * offset), and also on {@link #OUTCOMES}, which carries both. Bad data never throws: Beam 2.51
 * predates the bad-record router, so routing is a tagged multi-output {@code ParDo}.
 *
 * <p>The lake writer reads {@link #OUTCOMES}, not a {@code Flatten} of the other two: on Flink a
 * flatten is a union with two inputs, which cannot be chained, so every row would be serialised
 * across a task boundary on its way to the writer.
 */
public final class DecodeAndClean extends PTransform<PCollection<SourceRecord>, PCollectionTuple> {
  public static final TupleTag<LakeEntry> ROWS = new TupleTag<>("rows") {};
  public static final TupleTag<LakeEntry> DEAD_LETTERS = new TupleTag<>("dead-letters") {};

  /** Rows and dead letters in one collection: what the lake writer takes. */
  public static final TupleTag<LakeEntry> OUTCOMES = new TupleTag<>("outcomes") {};

  private final ModelSpec spec;

  private DecodeAndClean(Builder b) {
    this.spec = Objects.requireNonNull(b.spec, "setModelSpec is required");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Immutable configuration: the model spec decides wire format, schemas and rules. */
  public static final class Builder {
    private ModelSpec spec;

    public Builder setModelSpec(ModelSpec spec) {
      this.spec = spec;
      return this;
    }

    public DecodeAndClean build() {
      return new DecodeAndClean(this);
    }
  }

  /** The decoder the spec's wire format calls for. */
  static RecordDecoder decoderFor(ModelSpec spec) {
    return RecordClassifier.decoderFor(spec);
  }

  @Override
  public PCollectionTuple expand(PCollection<SourceRecord> input) {
    PCollectionTuple out =
        input.apply(
            "DecodeValidatePreprocess",
            ParDo.of(new Fn(spec, decoderFor(spec)))
                .withOutputTags(OUTCOMES, TupleTagList.of(ROWS).and(DEAD_LETTERS)));
    out.get(OUTCOMES).setCoder(LakeEntry.LakeEntryCoder.of());
    out.get(ROWS).setCoder(LakeEntry.LakeEntryCoder.of());
    out.get(DEAD_LETTERS).setCoder(LakeEntry.LakeEntryCoder.of());
    return out;
  }

  /** Encodes a dead letter the way it is stored and published (Avro binary, no header). */
  public static byte[] encodeDeadLetter(DeadLetter dl) {
    try {
      ByteArrayOutputStream bytes =
          new ByteArrayOutputStream(dl.getOriginalBytes().remaining() + 128);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bytes, null);
      new SpecificDatumWriter<>(DeadLetter.class).write(dl, enc);
      enc.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final class Fn extends DoFn<SourceRecord, LakeEntry> {
    private final ModelSpec spec;
    private final RecordDecoder decoder;
    private final String cleanSchemaJson;
    private transient RecordClassifier classifier;
    private transient Schema rowSchema;
    private transient ModelSpec trustedSpec;

    private final Counter read = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.READ);
    private final Counter valid = Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.VALID);
    private final Map<ErrorKind, Counter> dead = new EnumMap<>(ErrorKind.class);

    Fn(ModelSpec spec, RecordDecoder decoder) {
      this.spec = spec;
      this.decoder = decoder;
      this.cleanSchemaJson = CleanSchema.of(spec).toString();
      for (ErrorKind k : ErrorKind.values()) {
        dead.put(k, Metrics.counter(IngestMetrics.NAMESPACE, IngestMetrics.deadLetter(k)));
      }
    }

    @Setup
    public void setup() {
      classifier = new RecordClassifier(spec, decoder, new RecordCleaner(spec));
      rowSchema = new Schema.Parser().parse(cleanSchemaJson);
    }

    @ProcessElement
    public void process(@Element SourceRecord in, MultiOutputReceiver out) {
      read.inc();
      SourceRef ref = new SourceRef(in.topic(), in.partition(), in.offset(), in.timestampMillis());
      ClassifiedRecords.Entry read =
          ClassifiedRecords.take(in.value(), in.partition(), in.offset());
      CleanResult result =
          read != null && sameSpec(read.spec())
              ? read.result()
              : classifier.classify(in.value(), ref);
      if (result instanceof CleanResult.Accepted accepted) {
        valid.inc();
        GenericRecord row = accepted.row();
        long eventTime = (Long) row.get(CleanSchema.EVENT_TIME);
        // Not encoded here: the chained lake writer takes the row as it is (LakeEntry.ofRow).
        emit(out, ROWS, LakeEntry.ofRow(in.partition(), in.offset(), eventTime, row, rowSchema));
      } else if (result instanceof CleanResult.Rejected rejected) {
        emitDead(out, in, rejected.kind(), rejected.stage(), rejected.field(), rejected.message());
      }
    }

    /** Whether {@code other} (the read's copy of the spec) equals this step's; checked once. */
    private boolean sameSpec(ModelSpec other) {
      if (other == trustedSpec) {
        return true;
      }
      if (spec.equals(other)) {
        trustedSpec = other;
        return true;
      }
      return false;
    }

    private void emitDead(
        MultiOutputReceiver out,
        SourceRecord in,
        ErrorKind kind,
        Stage stage,
        String field,
        String message) {
      dead.get(kind).inc();
      DeadLetter dl =
          DeadLetter.newBuilder()
              .setOriginalBytes(ByteBuffer.wrap(in.value() == null ? new byte[0] : in.value()))
              .setOriginalKey(in.key() == null ? null : ByteBuffer.wrap(in.key()))
              .setErrorKind(kind)
              .setMessage(message == null ? kind.name() : message)
              .setField(field)
              .setStage(stage)
              .setSourceTopic(in.topic())
              .setSourcePartition(in.partition())
              .setSourceOffset(in.offset())
              .setSourceTimestamp(java.time.Instant.ofEpochMilli(in.timestampMillis()))
              .setRejectedAt(java.time.Instant.now())
              .setModel(spec.model())
              .build();
      emit(
          out,
          DEAD_LETTERS,
          new LakeEntry(
              true,
              in.partition(),
              in.offset(),
              in.timestampMillis(),
              kind.name(),
              encodeDeadLetter(dl)));
    }

    /** On its own tag and on {@link #OUTCOMES}; entries are immutable, so both share it. */
    private static void emit(MultiOutputReceiver out, TupleTag<LakeEntry> tag, LakeEntry e) {
      out.get(OUTCOMES).output(e);
      out.get(tag).output(e);
    }
  }
}
