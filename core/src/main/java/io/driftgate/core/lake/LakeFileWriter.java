package io.driftgate.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * Writes records into new Parquet data files of a table, one file per partition they fall in (a
 * fanout writer: input order does not matter). Nothing is committed: the caller hands the returned
 * {@link DataFile}s to a {@link LakeCommitter}; until then no reader sees them, and files that are
 * never committed are orphans that {@code driftgate lake maintain} removes.
 */
public final class LakeFileWriter implements AutoCloseable {
  private final Table table;
  private final GenericAppenderFactory appenders;
  private final OutputFileFactory files;
  private final PartitionKey key;
  private final InternalRecordWrapper wrapper;
  private final LakeRows.AvroView avro;
  private final Map<PartitionKey, DataWriter<?>> open = new HashMap<>();
  private final List<DataFile> written = new ArrayList<>();

  /**
   * A writer of Iceberg generic {@link Record}s.
   *
   * @param taskId distinguishes parallel writers in file names (e.g. the DoFn instance)
   */
  public LakeFileWriter(Table table, int taskId) {
    this(table, taskId, null);
  }

  private LakeFileWriter(Table table, int taskId, LakeRows avroRows) {
    this.table = table;
    this.files =
        OutputFileFactory.builderFor(table, taskId, System.currentTimeMillis())
            .operationId(UUID.randomUUID().toString())
            .format(FileFormat.PARQUET)
            .build();
    this.key = new PartitionKey(table.spec(), table.schema());
    if (avroRows == null) {
      this.appenders =
          new GenericAppenderFactory(table.schema(), table.spec()).setAll(table.properties());
      this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
      this.avro = null;
    } else {
      if (!avroRows.schema().sameSchema(table.schema())) {
        throw new IllegalArgumentException(
            "rows converted for schema " + avroRows.schema() + ", not " + table.name() + "'s");
      }
      this.appenders = null;
      this.wrapper = null;
      this.avro = avroRows.view();
    }
  }

  /**
   * A writer of Avro rows straight into the table's Parquet files, with no Iceberg record made per
   * row: {@code rows} (a converter for this table's schema) views each row in Iceberg's internal
   * representation, which Iceberg's {@code InternalWriter} writes. Use {@link
   * #write(GenericRecord)}.
   */
  public static LakeFileWriter forAvro(Table table, int taskId, LakeRows rows) {
    return new LakeFileWriter(table, taskId, rows);
  }

  /** Writes an Iceberg generic record (a writer made by the constructor). */
  @SuppressWarnings("unchecked")
  public void write(Record record) {
    if (wrapper == null) {
      throw new IllegalStateException(
          "a writer made by forAvro writes Avro rows, not Iceberg records");
    }
    key.partition(wrapper.wrap(record));
    ((DataWriter<Record>) writerFor()).write(record);
  }

  /** Writes an Avro row (a writer made by {@link #forAvro}). */
  @SuppressWarnings("unchecked")
  public void write(GenericRecord row) {
    if (avro == null) {
      throw new IllegalStateException(
          "this writer writes Iceberg records; LakeFileWriter.forAvro makes one for Avro rows");
    }
    LakeRows.AvroView view = avro.wrap(row);
    key.partition(view);
    ((DataWriter<StructLike>) writerFor()).write(view);
  }

  /** The open file of the partition {@link #key} holds now (opened on first use). */
  private DataWriter<?> writerFor() {
    DataWriter<?> w = open.get(key);
    if (w == null) {
      PartitionKey copy = key.copy();
      boolean unpartitioned = table.spec().isUnpartitioned();
      EncryptedOutputFile file = unpartitioned ? files.newOutputFile() : files.newOutputFile(copy);
      StructLike partition = unpartitioned ? null : copy;
      w =
          appenders != null
              ? appenders.newDataWriter(file, FileFormat.PARQUET, partition)
              : internalWriter(file, partition);
      open.put(copy, w);
    }
    return w;
  }

  private DataWriter<StructLike> internalWriter(EncryptedOutputFile file, StructLike partition) {
    Schema schema = table.schema();
    try {
      return Parquet.writeData(file)
          .schema(schema)
          .createWriterFunc(type -> InternalWriter.create(schema.asStruct(), type))
          .setAll(table.properties())
          .metricsConfig(MetricsConfig.forTable(table))
          .withSpec(table.spec())
          .withPartition(partition)
          .withKeyMetadata(file.keyMetadata())
          .overwrite()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a lake data file of " + table.name(), e);
    }
  }

  /** Closes every open file and returns the data files written (empty when nothing was). */
  public List<DataFile> finish() {
    for (DataWriter<?> w : open.values()) {
      try {
        w.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close lake data file of " + table.name(), e);
      }
      written.add(w.toDataFile());
    }
    open.clear();
    return List.copyOf(written);
  }

  @Override
  public void close() {
    finish();
  }

  /** Writes all records and returns their data files. */
  public static List<DataFile> writeAll(Table table, int taskId, Iterable<Record> records) {
    try (LakeFileWriter w = new LakeFileWriter(table, taskId)) {
      records.forEach(w::write);
      return w.finish();
    }
  }
}
