package io.driftgate.core.ingest;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.core.wire.RecordDecoders;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.io.Serializable;
import java.time.Clock;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;

/**
 * Decode, validate and preprocess one Kafka record value: either a lake row or the reason for a
 * dead letter. Never throws for any input. Checks, in this order:
 *
 * <ol>
 *   <li>no value (a tombstone): {@code CORRUPT_BYTES};
 *   <li>more than {@code source.maxRecordBytes} bytes: {@code RECORD_TOO_LARGE}, before any
 *       decoding;
 *   <li>decoding: {@code BAD_HEADER}, {@code UNKNOWN_SCHEMA}, {@code TRUNCATED}, {@code
 *       CORRUPT_BYTES} (all stage {@code DECODE});
 *   <li>the {@link RecordCleaner} rules (stage {@code VALIDATE}, or {@code PREPROCESS} for {@code
 *       INTERNAL}).
 * </ol>
 *
 * Immutable, serializable and safe to share between threads.
 */
public final class RecordClassifier implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int maxRecordBytes;
  private final RecordDecoder decoder;
  private final RecordCleaner cleaner;

  public RecordClassifier(ModelSpec spec, RecordDecoder decoder, RecordCleaner cleaner) {
    this.maxRecordBytes = spec.source().maxRecordBytes();
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.cleaner = Objects.requireNonNull(cleaner, "cleaner");
  }

  /** The decoder the spec's wire format calls for, and a cleaner on the system clock. */
  public static RecordClassifier of(ModelSpec spec) {
    return of(spec, Clock.systemUTC());
  }

  /** The decoder the spec's wire format calls for, and a cleaner on {@code clock}. */
  public static RecordClassifier of(ModelSpec spec, Clock clock) {
    return new RecordClassifier(spec, decoderFor(spec), new RecordCleaner(spec, clock));
  }

  /** The decoder the spec's wire format calls for. */
  public static RecordDecoder decoderFor(ModelSpec spec) {
    return switch (spec.source().format()) {
      case SINGLE_OBJECT -> RecordDecoders.singleObject(spec.readerSchema(), spec.historySchemas());
      case CONFLUENT -> RecordDecoders.confluent(spec.readerSchema(), spec.registrySchemas());
    };
  }

  public RecordCleaner cleaner() {
    return cleaner;
  }

  /** Classifies one record value ({@code null} for a tombstone). */
  public CleanResult classify(byte[] value, SourceRef ref) {
    if (value == null) {
      return decodeFailure(ErrorKind.CORRUPT_BYTES, "record has no value (tombstone)");
    }
    if (value.length > maxRecordBytes) {
      return decodeFailure(
          ErrorKind.RECORD_TOO_LARGE,
          "record value of "
              + value.length
              + " bytes is larger than source.maxRecordBytes ("
              + maxRecordBytes
              + "); not decoded");
    }
    GenericRecord decoded;
    try {
      decoded = decoder.decode(value);
    } catch (DecodeException e) {
      return decodeFailure(e.kind(), e.getMessage());
    } catch (RuntimeException e) {
      return decodeFailure(ErrorKind.CORRUPT_BYTES, "undecodable: " + e);
    }
    try {
      return cleaner.clean(decoded, ref);
    } catch (RuntimeException e) {
      // A bug must not lose the record: it is kept, with the exception as the reason.
      return CleanResult.rejected(
          ErrorKind.INTERNAL, Stage.PREPROCESS, null, "internal error: " + e);
    }
  }

  private static CleanResult decodeFailure(ErrorKind kind, String message) {
    return CleanResult.rejected(kind, Stage.DECODE, null, message == null ? kind.name() : message);
  }
}
