package io.driftgate.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionField;
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
import org.apache.iceberg.types.Types;

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

  /**
   * Position of the timestamp column a table partitioned by {@code hours(column)} alone is cut by
   * (the lake's layout), else -1: then the writer computes the hour itself, without Iceberg's
   * transform, which makes an {@code OffsetDateTime} per row (~3% of the ingest's source thread).
   */
  private final int hourColumn;

  private final InternalRecordWrapper wrapper;
  private final LakeRows.AvroView avro;
  private final Map<PartitionKey, OpenFile> open = new HashMap<>();
  private final List<DataFile> written = new ArrayList<>();
  private final List<Future<DataFile>> closing = new ArrayList<>();
  private int closeIdleAfter;
  private long writes;

  /**
   * Writes after which a file that received none of them is closed in the background. A stream
   * moves through event time, so a partition (an event hour) it has left gets no more rows: its
   * file is finished (Parquet encodes and compresses the buffered rows at close, most of a file's
   * cost) on another core while the writer goes on, instead of at the end of the bundle, where the
   * reading thread waits for every file. A row that comes later for that partition opens a new
   * file. 0 turns it off (every file closes in {@link #finish()}).
   */
  static final int CLOSE_IDLE_AFTER = Integer.getInteger("driftgate.lake.closeIdleAfter", 8192);

  /**
   * Whether Avro rows are written on a writing thread rather than the caller's ({@code
   * -Ddriftgate.lake.asyncWrites=false} turns it off). Parquet's encoding of each value
   * (dictionaries, pages) was a third of the ingestion's source thread; handed over in chunks, it
   * runs on another core while the source reads and validates the next records.
   */
  static final boolean ASYNC_WRITES =
      Boolean.parseBoolean(System.getProperty("driftgate.lake.asyncWrites", "true"));

  /** Rows per hand-over to the writing thread. */
  static final int CHUNK = 512;

  /** Chunks queued per writer at most: then the caller waits (bounded memory, back-pressure). */
  static final int IN_FLIGHT = 8;

  /** Threads that write rows handed over by writers (daemons, shared by the process). */
  private static final ExecutorService WRITER = daemonPool("driftgate-lake-write");

  private final boolean async;
  private final java.util.concurrent.Semaphore inFlight =
      new java.util.concurrent.Semaphore(IN_FLIGHT);
  private java.util.concurrent.CompletableFuture<Void> tail =
      java.util.concurrent.CompletableFuture.completedFuture(null);
  private volatile Throwable failure;
  private GenericRecord[] chunk;
  private int chunkSize;

  /** Threads that close files the writers are done with (daemons, shared by the process). */
  private static final ExecutorService CLOSER = daemonPool("driftgate-lake-file-close");

  /** A pool of one daemon thread per core, named {@code name}, shared by the process. */
  private static ExecutorService daemonPool(String name) {
    return Executors.newFixedThreadPool(
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /** An open data file and the write count of its last row. */
  private static final class OpenFile {
    final DataWriter<?> writer;
    long lastWrite;

    OpenFile(DataWriter<?> writer) {
      this.writer = writer;
    }
  }

  /**
   * A writer of Iceberg generic {@link Record}s.
   *
   * @param taskId distinguishes parallel writers in file names (e.g. the DoFn instance)
   */
  public LakeFileWriter(Table table, int taskId) {
    this(table, taskId, null);
  }

  private LakeFileWriter(Table table, int taskId, LakeRows avroRows) {
    this(table, taskId, avroRows, avroRows != null && ASYNC_WRITES);
  }

  private LakeFileWriter(Table table, int taskId, LakeRows avroRows, boolean async) {
    this.table = table;
    this.async = async;
    this.closeIdleAfter = CLOSE_IDLE_AFTER;
    this.files =
        OutputFileFactory.builderFor(table, taskId, System.currentTimeMillis())
            .operationId(UUID.randomUUID().toString())
            .format(FileFormat.PARQUET)
            .build();
    this.key = new PartitionKey(table.spec(), table.schema());
    this.hourColumn = hourColumn(table);
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

  /** {@link #forAvro} writing on the caller's thread, or on a writing thread, as asked. */
  static LakeFileWriter forAvro(Table table, int taskId, LakeRows rows, boolean async) {
    return new LakeFileWriter(table, taskId, rows, async);
  }

  /** This writer with another {@link #CLOSE_IDLE_AFTER} (0: every file closes in finish). */
  LakeFileWriter closeIdleAfter(int writes) {
    if (writes < 0) {
      throw new IllegalArgumentException("closeIdleAfter must be >= 0, not " + writes);
    }
    this.closeIdleAfter = writes;
    return this;
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

  /**
   * Writes an Avro row (a writer made by {@link #forAvro}). With {@link #ASYNC_WRITES} the row is
   * handed to a writing thread in chunks of {@link #CHUNK}: the caller must not change it
   * afterwards (the ingestion makes a new row per record). A failure of the writing thread is
   * thrown by a later call or by {@link #finish()}.
   */
  public void write(GenericRecord row) {
    if (avro == null) {
      throw new IllegalStateException(
          "this writer writes Iceberg records; LakeFileWriter.forAvro makes one for Avro rows");
    }
    if (!async) {
      writeNow(row);
      return;
    }
    if (chunk == null) {
      chunk = new GenericRecord[CHUNK];
    }
    chunk[chunkSize++] = row;
    if (chunkSize == CHUNK) {
      handOver();
    }
  }

  /** Queues the chunk for the writing thread; waits while {@link #IN_FLIGHT} chunks are queued. */
  private void handOver() {
    throwIfFailed();
    GenericRecord[] rows = chunk;
    int n = chunkSize;
    chunk = null;
    chunkSize = 0;
    inFlight.acquireUninterruptibly();
    // Each stage runs after the one before it (one writing thread at a time per writer, in
    // order) and never completes exceptionally, so every stage releases its permit; after a
    // failure the rest only release.
    tail =
        tail.thenRunAsync(
            () -> {
              try {
                if (failure == null) {
                  for (int i = 0; i < n; i++) {
                    writeNow(rows[i]);
                  }
                }
              } catch (RuntimeException | Error e) {
                failure = e;
              } finally {
                inFlight.release();
              }
            },
            WRITER);
  }

  private void throwIfFailed() {
    Throwable f = failure;
    if (f instanceof UncheckedIOException u) {
      throw new UncheckedIOException("writing lake data files of " + table.name(), u.getCause());
    }
    if (f instanceof RuntimeException r) {
      throw new IllegalStateException("writing lake data files of " + table.name() + " failed", r);
    }
    if (f instanceof Error e) {
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private void writeNow(GenericRecord row) {
    LakeRows.AvroView view = avro.wrap(row);
    if (hourColumn >= 0) {
      Long micros = view.get(hourColumn, Long.class);
      key.set(0, micros == null ? null : hourOf(micros));
    } else {
      key.partition(view);
    }
    ((DataWriter<StructLike>) writerFor()).write(view);
  }

  private static final long MICROS_PER_HOUR = 3_600_000_000L;

  /** Iceberg's {@code hour} transform of a timestamp in micros: whole hours since the epoch. */
  static int hourOf(long micros) {
    return Math.toIntExact(Math.floorDiv(micros, MICROS_PER_HOUR));
  }

  /** See {@link #hourColumn}. */
  static int hourColumn(Table table) {
    List<PartitionField> fields = table.spec().fields();
    if (fields.size() != 1 || !"hour".equals(fields.get(0).transform().toString())) {
      return -1;
    }
    List<Types.NestedField> columns = table.schema().columns();
    for (int i = 0; i < columns.size(); i++) {
      Types.NestedField c = columns.get(i);
      if (c.fieldId() == fields.get(0).sourceId()
          && c.type().typeId() == org.apache.iceberg.types.Type.TypeID.TIMESTAMP) {
        return i;
      }
    }
    return -1;
  }

  /** The open file of the partition {@link #key} holds now (opened on first use). */
  private DataWriter<?> writerFor() {
    OpenFile f = open.get(key);
    if (f == null) {
      PartitionKey copy = key.copy();
      boolean unpartitioned = table.spec().isUnpartitioned();
      EncryptedOutputFile file = unpartitioned ? files.newOutputFile() : files.newOutputFile(copy);
      StructLike partition = unpartitioned ? null : copy;
      f =
          new OpenFile(
              appenders != null
                  ? appenders.newDataWriter(file, FileFormat.PARQUET, partition)
                  : internalWriter(file, partition));
      open.put(copy, f);
    }
    f.lastWrite = ++writes;
    if (closeIdleAfter > 0 && writes % closeIdleAfter == 0) {
      closeIdle();
    }
    return f.writer;
  }

  /** Hands every file that got no row in the last {@link #closeIdleAfter} writes to a closer. */
  private void closeIdle() {
    Iterator<OpenFile> it = open.values().iterator();
    while (it.hasNext()) {
      OpenFile f = it.next();
      if (writes - f.lastWrite >= closeIdleAfter) {
        it.remove();
        DataWriter<?> w = f.writer;
        closing.add(CLOSER.submit(() -> closeToDataFile(w)));
      }
    }
  }

  private DataFile closeToDataFile(DataWriter<?> w) {
    try {
      w.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close lake data file of " + table.name(), e);
    }
    return w.toDataFile();
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

  /**
   * Closes every open file, waits for those closing in the background, and returns the data files
   * written (empty when nothing was).
   */
  public List<DataFile> finish() {
    if (async) {
      if (chunkSize > 0) {
        handOver();
      }
      tail.join(); // never exceptional (see handOver); orders what the writing thread did first
      throwIfFailed();
    }
    for (OpenFile f : open.values()) {
      written.add(closeToDataFile(f.writer));
    }
    open.clear();
    for (Future<DataFile> c : closing) {
      written.add(await(c));
    }
    closing.clear();
    return List.copyOf(written);
  }

  private DataFile await(Future<DataFile> c) {
    try {
      return c.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing data files of " + table.name(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("cannot close a data file of " + table.name(), e.getCause());
    }
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
