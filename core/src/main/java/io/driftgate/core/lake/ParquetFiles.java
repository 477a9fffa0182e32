package io.driftgate.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/** Plain parquet-avro reading and writing of local lake files (no engine involved). */
public final class ParquetFiles {
  private ParquetFiles() {}

  private static Configuration conf() {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  private static org.apache.hadoop.fs.Path hadoopPath(Path p) {
    return new org.apache.hadoop.fs.Path(p.toAbsolutePath().toUri());
  }

  /** Streams every record of a file to {@code sink}; returns the count. */
  public static long read(Path file, Consumer<GenericRecord> sink) {
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(hadoopPath(file), conf()))
            .withDataModel(GenericData.get())
            .build()) {
      long n = 0;
      GenericRecord r;
      while ((r = reader.read()) != null) {
        sink.accept(r);
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read parquet file " + file, e);
    }
  }

  public static List<GenericRecord> readAll(Path file) {
    List<GenericRecord> out = new ArrayList<>();
    read(file, out::add);
    return out;
  }

  /** Writes records to a new file (fails if it exists). */
  public static void write(Path file, Schema schema, Iterable<? extends GenericRecord> records) {
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(hadoopPath(file), conf()))
            .withSchema(schema)
            .withDataModel(GenericData.get())
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .build()) {
      for (GenericRecord r : records) {
        writer.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write parquet file " + file, e);
    }
  }
}
