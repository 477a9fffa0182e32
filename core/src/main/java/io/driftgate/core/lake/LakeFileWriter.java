package io.driftgate.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

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
  private final Map<PartitionKey, DataWriter<Record>> open = new HashMap<>();
  private final List<DataFile> written = new ArrayList<>();

  /**
   * @param taskId distinguishes parallel writers in file names (e.g. the DoFn instance)
   */
  public LakeFileWriter(Table table, int taskId) {
    this.table = table;
    this.appenders =
        new GenericAppenderFactory(table.schema(), table.spec()).setAll(table.properties());
    this.files =
        OutputFileFactory.builderFor(table, taskId, System.currentTimeMillis())
            .operationId(UUID.randomUUID().toString())
            .format(FileFormat.PARQUET)
            .build();
    this.key = new PartitionKey(table.spec(), table.schema());
    this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
  }

  public void write(Record record) {
    key.partition(wrapper.wrap(record));
    DataWriter<Record> w = open.get(key);
    if (w == null) {
      PartitionKey copy = key.copy();
      w =
          appenders.newDataWriter(
              table.spec().isUnpartitioned() ? files.newOutputFile() : files.newOutputFile(copy),
              FileFormat.PARQUET,
              table.spec().isUnpartitioned() ? null : copy);
      open.put(copy, w);
    }
    w.write(record);
  }

  /** Closes every open file and returns the data files written (empty when nothing was). */
  public List<DataFile> finish() {
    for (DataWriter<Record> w : open.values()) {
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
