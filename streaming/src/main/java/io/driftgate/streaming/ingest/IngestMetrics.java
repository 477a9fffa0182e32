package io.driftgate.streaming.ingest;

import io.driftgate.schemas.ErrorKind;
import java.util.Locale;

/** Names of the ingestion counters (namespace {@value #NAMESPACE}). */
public final class IngestMetrics {
  public static final String NAMESPACE = "driftgate.ingest";
  public static final String READ = "records_read";
  public static final String VALID = "records_valid";
  public static final String WRITTEN = "rows_written";
  public static final String DEAD_LETTERS_WRITTEN = "dead_letters_written";
  public static final String DUPLICATES_SKIPPED = "duplicates_skipped";
  public static final String COMMITS = "commits";

  private IngestMetrics() {}

  public static String deadLetter(ErrorKind kind) {
    return "dead_letters_" + kind.name().toLowerCase(Locale.ROOT);
  }
}
