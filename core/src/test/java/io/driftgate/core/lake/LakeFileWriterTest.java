package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.MediaSpecs;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways into a lake data file give the same table: Avro rows written straight ({@link
 * LakeFileWriter#forAvro}, what the ingestion does) and the same rows converted to Iceberg records
 * first ({@link LakeRows#convert}). Same values per column (nulls, binary, text, timestamps,
 * enums), same partitions, row counts and column bounds per file.
 */
class LakeFileWriterTest {
  @TempDir Path root;

  static final long T = 1_700_000_000_000L;

  @Test
  void avroRowsWrittenStraightReadBackAsConvertedRecordsDo() throws Exception {
    ModelSpec spec = MediaSpecs.media();
    RecordCleaner cleaner = new RecordCleaner(spec);
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      GenericData.Record in = new GenericData.Record(spec.readerSchema());
      byte[] raw = new byte[64];
      for (int j = 0; j < raw.length; j++) {
        raw[j] = (byte) (i * 7 + j * 13);
      }
      in.put("event_id", "m-" + i);
      // three hours apart every 100 rows: several partitions, each in its own file
      in.put("event_time", T + (i / 100) * 3 * 3_600_000L + i);
      in.put("picture", ByteBuffer.wrap(raw));
      in.put("review", i % 7 == 0 ? null : "Review №" + i + " — ｆｕｌｌ  width");
      in.put("score", (double) i / 3);
      in.put("label", i % 5 == 0 ? null : i % 3);
      CleanResult r = cleaner.clean(in, new SourceRef("media", i % 2, i, T + i));
      assertThat(r.isAccepted()).as("row %d: %s", i, r).isTrue();
      rows.add(((CleanResult.Accepted) r).row());
    }
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table converted = LakeTables.ensureRecords(catalog, "converted", CleanSchema.of(spec));
    Table straight = LakeTables.ensureRecords(catalog, "straight", CleanSchema.of(spec));
    assertThat(converted.spec().isUnpartitioned()).isFalse();

    sameTables(
        converted,
        straight,
        rows,
        cleaner.cleanSchema(),
        r -> r.getField(CleanSchema.SOURCE_OFFSET));
  }

  @Test
  void theWritersHourIsIcebergsHourTransform() throws Exception {
    var hour = org.apache.iceberg.transforms.Transforms.hour().bind(Types.TimestampType.withZone());
    long h = 3_600_000_000L;
    long[] micros = {
      0, 1, h - 1, h, h + 1, -1, -h, -h - 1, -h + 1, 1_767_571_200_000_000L, Long.MAX_VALUE / 1000
    };
    java.util.Random random = new java.util.Random(26);
    List<Long> all = new ArrayList<>();
    for (long m : micros) {
      all.add(m);
    }
    for (int i = 0; i < 10_000; i++) {
      all.add(random.nextLong() % (400L * 365 * 24 * h));
    }
    for (long m : all) {
      assertThat(LakeFileWriter.hourOf(m)).as("%d micros", m).isEqualTo(hour.apply(m));
    }
    // The records table is cut by hours(event_time); the dead letters by days, so their writer
    // keeps Iceberg's transform.
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table records = LakeTables.ensureRecords(catalog, "hours", CleanSchema.of(MediaSpecs.media()));
    assertThat(records.spec().fields().get(0).transform().toString()).isEqualTo("hour");
    int column = LakeFileWriter.hourColumn(records);
    assertThat(records.schema().columns().get(column).fieldId())
        .isEqualTo(records.spec().fields().get(0).sourceId());
    Table dead = LakeTables.ensureDeadLetters(catalog, "hours", DeadLetter.getClassSchema());
    assertThat(dead.spec().fields().get(0).transform().toString()).isEqualTo("day");
    assertThat(LakeFileWriter.hourColumn(dead)).isEqualTo(-1);
  }

  @Test
  void deadLettersWrittenStraightReadBackAsConvertedRecordsDo() throws Exception {
    GenericDatumReader<GenericRecord> reader =
        new GenericDatumReader<>(DeadLetter.getClassSchema());
    List<GenericRecord> letters = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      DeadLetter dl =
          DeadLetter.newBuilder()
              .setOriginalBytes(ByteBuffer.wrap(new byte[] {(byte) 0xC3, (byte) i, 2}))
              .setOriginalKey(i % 2 == 0 ? null : ByteBuffer.wrap(new byte[] {(byte) i}))
              .setErrorKind(i % 3 == 0 ? ErrorKind.TRUNCATED : ErrorKind.OUT_OF_RANGE)
              .setMessage("message " + i)
              .setField(i % 3 == 0 ? null : "score")
              .setStage(i % 3 == 0 ? Stage.DECODE : Stage.VALIDATE)
              .setSourceTopic("t")
              .setSourcePartition(i % 2)
              .setSourceOffset(i)
              .setSourceTimestamp(java.time.Instant.ofEpochMilli(T + i * 40_000_000L))
              .setRejectedAt(java.time.Instant.ofEpochMilli(T + i))
              .setModel("m")
              .build();
      // as the ingestion's writer sees them: decoded generically from the stored binary
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bytes, null);
      new SpecificDatumWriter<>(DeadLetter.class).write(dl, enc);
      enc.flush();
      letters.add(reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null)));
    }
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table converted =
        LakeTables.ensureDeadLetters(catalog, "converted", DeadLetter.getClassSchema());
    Table straight = LakeTables.ensureDeadLetters(catalog, "straight", DeadLetter.getClassSchema());

    sameTables(
        converted,
        straight,
        letters,
        DeadLetter.getClassSchema(),
        r -> r.getField("source_offset"));
  }

  @Test
  void aWriterTakesTheRowsItWasMadeFor() throws Exception {
    ModelSpec spec = MediaSpecs.media();
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table table = LakeTables.ensureRecords(catalog, "m", CleanSchema.of(spec));
    LakeRows rows = new LakeRows(table.schema(), CleanSchema.of(spec));
    try (LakeFileWriter generic = new LakeFileWriter(table, 0)) {
      assertThatThrownBy(() -> generic.write(new GenericData.Record(CleanSchema.of(spec))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("forAvro");
    }
    try (LakeFileWriter avro = LakeFileWriter.forAvro(table, 0, rows)) {
      assertThatThrownBy(
              () -> avro.write(rows.convert(new GenericData.Record(CleanSchema.of(spec)))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Iceberg records");
    }
    Table dead = LakeTables.ensureDeadLetters(catalog, "m", DeadLetter.getClassSchema());
    assertThatThrownBy(() -> LakeFileWriter.forAvro(dead, 0, rows))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dead.name());
  }

  @Test
  void filesAPartitionNoLongerGetsCloseInTheBackgroundAndLoseNoRow() throws Exception {
    ModelSpec spec = MediaSpecs.media();
    RecordCleaner cleaner = new RecordCleaner(spec);
    List<GenericRecord> rows = new ArrayList<>();
    // Hours A, B, C one after the other (100 rows each), then 5 late rows of hour A again.
    for (int i = 0; i < 305; i++) {
      int hour = i < 300 ? i / 100 : 0;
      GenericData.Record in = new GenericData.Record(spec.readerSchema());
      in.put("event_id", "m-" + i);
      in.put("event_time", T + hour * 3_600_000L + i);
      byte[] raw = new byte[64];
      raw[0] = (byte) i;
      in.put("picture", ByteBuffer.wrap(raw));
      in.put("review", "r" + i);
      in.put("score", (double) i / 3);
      in.put("label", i % 3);
      CleanResult r = cleaner.clean(in, new SourceRef("media", 0, i, T + i));
      assertThat(r.isAccepted()).as("row %d: %s", i, r).isTrue();
      rows.add(((CleanResult.Accepted) r).row());
    }
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table atEnd = LakeTables.ensureRecords(catalog, "at_end", CleanSchema.of(spec));
    Table early = LakeTables.ensureRecords(catalog, "early", CleanSchema.of(spec));
    List<DataFile> a;
    try (LakeFileWriter w =
        LakeFileWriter.forAvro(atEnd, 0, new LakeRows(atEnd.schema(), cleaner.cleanSchema()))
            .closeIdleAfter(0)) {
      rows.forEach(w::write);
      a = w.finish();
    }
    List<DataFile> b;
    try (LakeFileWriter w =
        LakeFileWriter.forAvro(early, 0, new LakeRows(early.schema(), cleaner.cleanSchema()))
            .closeIdleAfter(40)) {
      rows.forEach(w::write);
      b = w.finish();
    }
    // At the end: one file per hour. Early: hour A's first file was closed while C was written,
    // so its late rows opened a second one.
    assertThat(a).hasSize(3);
    assertThat(b).hasSize(4);
    assertThat(b.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(305);
    assertThat(b.stream().map(f -> f.partition().toString()).distinct()).hasSize(3);
    assertThat(b.stream().map(f -> f.location().toString()).distinct()).hasSize(4);
    commit(atEnd, a);
    commit(early, b);
    Function<Record, Object> key = r -> r.getField(CleanSchema.SOURCE_OFFSET);
    List<Record> want = read(atEnd, key);
    List<Record> got = read(early, key);
    assertThat(got).hasSize(305);
    for (int i = 0; i < want.size(); i++) {
      for (Types.NestedField c : atEnd.schema().columns()) {
        assertThat(got.get(i).getField(c.name()))
            .as("row %d column %s", i, c.name())
            .isEqualTo(want.get(i).getField(c.name()));
      }
    }
  }

  @Test
  void rowsHandedToTheWritingThreadMakeTheSameFilesAsRowsWrittenInPlace() throws Exception {
    ModelSpec spec = MediaSpecs.media();
    RecordCleaner cleaner = new RecordCleaner(spec);
    // Several chunks and a partial one, over four hours.
    List<GenericRecord> rows = mediaRows(spec, cleaner, 5 * LakeFileWriter.CHUNK + 17, 700);
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table inPlace = LakeTables.ensureRecords(catalog, "in_place", CleanSchema.of(spec));
    Table handed = LakeTables.ensureRecords(catalog, "handed", CleanSchema.of(spec));
    List<DataFile> a;
    try (LakeFileWriter w =
        LakeFileWriter.forAvro(
            inPlace, 0, new LakeRows(inPlace.schema(), cleaner.cleanSchema()), false)) {
      rows.forEach(w::write);
      a = w.finish();
    }
    List<DataFile> b;
    try (LakeFileWriter w =
        LakeFileWriter.forAvro(
            handed, 0, new LakeRows(handed.schema(), cleaner.cleanSchema()), true)) {
      rows.forEach(w::write);
      b = w.finish();
    }
    assertThat(b).hasSize(4);
    sameContent(inPlace, a, handed, b, rows.size(), r -> r.getField(CleanSchema.SOURCE_OFFSET));
  }

  @Test
  void aFailureOnTheWritingThreadReachesTheCallerAndNothingHangs() throws Exception {
    ModelSpec spec = MediaSpecs.media();
    RecordCleaner cleaner = new RecordCleaner(spec);
    List<GenericRecord> rows =
        mediaRows(spec, cleaner, (LakeFileWriter.IN_FLIGHT + 4) * LakeFileWriter.CHUNK, 1000);
    // A row the table cannot take: text where a double goes (fails inside Parquet's writer).
    rows.get(3).put("score", "not a number");
    Table table =
        LakeTables.ensureRecords(LakeCatalog.embedded(root).open(), "bad", CleanSchema.of(spec));
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(60),
        () -> {
          LakeFileWriter w =
              LakeFileWriter.forAvro(
                  table, 0, new LakeRows(table.schema(), cleaner.cleanSchema()), true);
          assertThatThrownBy(
                  () -> {
                    rows.forEach(w::write);
                    w.finish();
                  })
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("writing lake data files of")
              .hasRootCauseInstanceOf(ClassCastException.class);
        });
  }

  /** {@code n} cleaned media rows, {@code perHour} rows per event hour, offsets 0..n-1. */
  private static List<GenericRecord> mediaRows(
      ModelSpec spec, RecordCleaner cleaner, int n, int perHour) {
    List<GenericRecord> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GenericData.Record in = new GenericData.Record(spec.readerSchema());
      in.put("event_id", "m-" + i);
      in.put("event_time", T + (i / perHour) * 3_600_000L + i);
      byte[] raw = new byte[64];
      raw[0] = (byte) i;
      in.put("picture", ByteBuffer.wrap(raw));
      in.put("review", i % 7 == 0 ? null : "r" + i);
      in.put("score", (double) i / 3);
      in.put("label", i % 3);
      CleanResult r = cleaner.clean(in, new SourceRef("media", 0, i, T + i));
      assertThat(r.isAccepted()).as("row %d: %s", i, r).isTrue();
      rows.add(((CleanResult.Accepted) r).row());
    }
    return rows;
  }

  private static void sameTables(
      Table converted,
      Table straight,
      List<GenericRecord> rows,
      org.apache.avro.Schema avro,
      Function<Record, Object> key)
      throws Exception {
    LakeRows toRecords = new LakeRows(converted.schema(), avro);
    List<Record> records = rows.stream().map(toRecords::convert).toList();
    List<DataFile> a = LakeFileWriter.writeAll(converted, 0, records);
    List<DataFile> b;
    try (LakeFileWriter w =
        LakeFileWriter.forAvro(straight, 0, new LakeRows(straight.schema(), avro))) {
      rows.forEach(w::write);
      b = w.finish();
    }
    assertThat(b).hasSizeGreaterThan(1);
    sameContent(converted, a, straight, b, rows.size(), key);
  }

  /**
   * Files {@code b} of table {@code got} hold what files {@code a} of {@code want} hold: per
   * partition the same row counts, null counts and bounds, and after a commit the same values.
   */
  private static void sameContent(
      Table want,
      List<DataFile> a,
      Table got,
      List<DataFile> b,
      int rows,
      Function<Record, Object> key)
      throws Exception {
    assertThat(b).hasSameSizeAs(a);
    Comparator<DataFile> byPartition = Comparator.comparing(f -> f.partition().toString());
    List<DataFile> as = a.stream().sorted(byPartition).toList();
    List<DataFile> bs = b.stream().sorted(byPartition).toList();
    for (int i = 0; i < as.size(); i++) {
      assertThat(bs.get(i).partition().toString()).isEqualTo(as.get(i).partition().toString());
      assertThat(bs.get(i).recordCount()).isEqualTo(as.get(i).recordCount());
      assertThat(bs.get(i).nullValueCounts()).isEqualTo(as.get(i).nullValueCounts());
      assertThat(bs.get(i).lowerBounds()).isEqualTo(as.get(i).lowerBounds());
      assertThat(bs.get(i).upperBounds()).isEqualTo(as.get(i).upperBounds());
    }
    commit(want, a);
    commit(got, b);
    List<Record> expected = read(want, key);
    List<Record> actual = read(got, key);
    assertThat(actual).hasSize(rows).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      for (Types.NestedField c : want.schema().columns()) {
        assertThat(actual.get(i).getField(c.name()))
            .as("row %d column %s", i, c.name())
            .isEqualTo(expected.get(i).getField(c.name()));
      }
    }
  }

  private static void commit(Table table, List<DataFile> files) {
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Record> read(Table table, Function<Record, Object> key) throws Exception {
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> out.add(r.copy()));
    }
    out.sort(Comparator.comparing(r -> (Comparable) key.apply(r)));
    return out;
  }
}
