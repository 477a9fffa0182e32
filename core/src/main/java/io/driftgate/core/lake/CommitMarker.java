package io.driftgate.core.lake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The atomic commit of one ingestion window of one Kafka partition: the files it made visible and
 * the source offsets they account for (lake rows and dead letters together). A file that no marker
 * lists does not exist for readers.
 *
 * @param commitId unique, time-ordered id; also the marker's file name
 * @param model the model spec name
 * @param createdAt when the marker was written, epoch millis
 * @param topic source topic
 * @param partition source partition
 * @param offsets the offsets this commit accounts for, as {@code [from, to)} pairs
 * @param rows lake rows written
 * @param deadLetters dead letters written
 * @param deadLettersByKind dead letters per error kind
 * @param files the data and dead-letter files, relative to the lake root
 * @param warnings data-quality warnings seen in this commit (e.g. null rate above the spec)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CommitMarker(
    String commitId,
    String model,
    long createdAt,
    String topic,
    int partition,
    List<long[]> offsets,
    long rows,
    long deadLetters,
    Map<String, Long> deadLettersByKind,
    List<LakeFile> files,
    List<String> warnings)
    implements java.io.Serializable {

  /** Kind of file a commit lists. */
  public enum FileKind {
    DATA,
    DEAD_LETTERS
  }

  /**
   * One Parquet file.
   *
   * @param path relative to the lake root, '/'-separated
   * @param kind data or dead letters
   * @param eventDate yyyy-MM-dd partition of the rows (UTC)
   * @param eventHour hour partition (UTC), -1 for dead-letter files
   * @param rows row count
   * @param minEventTime smallest event time in the file, epoch millis
   * @param maxEventTime largest event time in the file, epoch millis
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LakeFile(
      String path,
      FileKind kind,
      String eventDate,
      int eventHour,
      long rows,
      long minEventTime,
      long maxEventTime)
      implements java.io.Serializable {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public OffsetRanges offsetRanges() {
    OffsetRanges r = new OffsetRanges();
    for (long[] pair : offsets) {
      r.addRange(pair[0], pair[1]);
    }
    return r;
  }

  /** Offsets accounted for by this commit: rows + dead letters. */
  public long records() {
    return rows + deadLetters;
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CommitMarker fromJson(byte[] json) {
    try {
      return JSON.readValue(json, CommitMarker.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable commit marker: " + e.getMessage(), e);
    }
  }
}
