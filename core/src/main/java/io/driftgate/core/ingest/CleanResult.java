package io.driftgate.core.ingest;

import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;

/**
 * Outcome of {@link RecordCleaner#clean}: either {@link Accepted} with a lake row, or {@link
 * Rejected} with the reason (to be written as a dead letter).
 */
public sealed interface CleanResult permits CleanResult.Accepted, CleanResult.Rejected {

  static Accepted accepted(GenericRecord row) {
    return new Accepted(row);
  }

  static Rejected rejected(ErrorKind kind, Stage stage, String field, String message) {
    return new Rejected(kind, stage, field, message);
  }

  /** True for {@link Accepted}. */
  boolean isAccepted();

  /** The cleaned row, conforming to {@link CleanSchema#of}. */
  record Accepted(GenericRecord row) implements CleanResult {
    public Accepted {
      Objects.requireNonNull(row, "row");
    }

    @Override
    public boolean isAccepted() {
      return true;
    }
  }

  /**
   * Why a record was rejected.
   *
   * @param kind machine-readable reason
   * @param stage the stage that rejected it
   * @param field the field at fault, or null when the failure is not about one field
   * @param message human-readable reason naming the field and the value
   */
  record Rejected(ErrorKind kind, Stage stage, String field, String message)
      implements CleanResult {
    public Rejected {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public boolean isAccepted() {
      return false;
    }
  }
}
