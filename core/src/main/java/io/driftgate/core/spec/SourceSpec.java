package io.driftgate.core.spec;

import io.driftgate.core.wire.WireFormat;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where records come from and how they are encoded ({@code source}). Paths are absolute (the loader
 * resolves them against the spec file's directory); they are held as strings so that the spec stays
 * {@link Serializable}.
 */
public final class SourceSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final KafkaSourceSpec kafka;
  private final WireFormat format;
  private final String schemaFile;
  private final List<String> schemaHistory;
  private final String schemaRegistryDir;
  private final int maxRecordBytes;

  /** 1 MiB, the Kafka broker's default largest message ({@code message.max.bytes}). */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

  /** With the default {@link #maxRecordBytes()}. */
  public SourceSpec(
      KafkaSourceSpec kafka,
      WireFormat format,
      Path schemaFile,
      List<Path> schemaHistory,
      Path schemaRegistryDir) {
    this(kafka, format, schemaFile, schemaHistory, schemaRegistryDir, DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * @param kafka Kafka coordinates
   * @param format wire format of the record values
   * @param schemaFile the reader schema (.avsc)
   * @param schemaHistory older writer schemas that must still decode (may be empty)
   * @param schemaRegistryDir directory of {@code <id>.avsc} files for the confluent format, or null
   * @param maxRecordBytes the largest record value accepted, checked before decoding; larger ones
   *     are dead letters {@code RECORD_TOO_LARGE}
   */
  public SourceSpec(
      KafkaSourceSpec kafka,
      WireFormat format,
      Path schemaFile,
      List<Path> schemaHistory,
      Path schemaRegistryDir,
      int maxRecordBytes) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.format = Objects.requireNonNull(format, "format");
    this.schemaFile = Objects.requireNonNull(schemaFile, "schemaFile").toString();
    this.schemaHistory =
        schemaHistory == null ? List.of() : schemaHistory.stream().map(Path::toString).toList();
    this.schemaRegistryDir = schemaRegistryDir == null ? null : schemaRegistryDir.toString();
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be >= 1: " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  public KafkaSourceSpec kafka() {
    return kafka;
  }

  public WireFormat format() {
    return format;
  }

  public Path schemaFile() {
    return Path.of(schemaFile);
  }

  public List<Path> schemaHistory() {
    return schemaHistory.stream().map(Path::of).toList();
  }

  /** The registry directory, or null when not configured. */
  public Path schemaRegistryDir() {
    return schemaRegistryDir == null ? null : Path.of(schemaRegistryDir);
  }

  /** The largest record value (Kafka record value, in bytes) accepted; checked before decoding. */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  public SourceSpec withKafka(KafkaSourceSpec newKafka) {
    return new SourceSpec(
        newKafka, format, schemaFile(), schemaHistory(), schemaRegistryDir(), maxRecordBytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceSpec s
        && kafka.equals(s.kafka)
        && format == s.format
        && schemaFile.equals(s.schemaFile)
        && schemaHistory.equals(s.schemaHistory)
        && Objects.equals(schemaRegistryDir, s.schemaRegistryDir)
        && maxRecordBytes == s.maxRecordBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kafka, format, schemaFile, schemaHistory, schemaRegistryDir, maxRecordBytes);
  }

  @Override
  public String toString() {
    return "SourceSpec[kafka="
        + kafka
        + ", format="
        + format.configName()
        + ", schemaFile="
        + schemaFile
        + ", schemaHistory="
        + schemaHistory
        + ", schemaRegistryDir="
        + schemaRegistryDir
        + ", maxRecordBytes="
        + maxRecordBytes
        + "]";
  }
}
