package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.MediaSpecs;
import io.driftgate.core.spec.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image bytes and text through the real lake writer: cleaned rows of the media spec go into an
 * Iceberg table on the embedded catalog (binary and string columns with field ids) and come back
 * byte for byte.
 */
class UnstructuredLakeTest {
  @TempDir Path root;

  static final long T = 1_700_000_000_000L;

  @Test
  void imageAndTextRowsAreWrittenAndReadBack() throws Exception {
    ModelSpec spec = MediaSpecs.media();
    RecordCleaner cleaner = new RecordCleaner(spec);
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table table = LakeTables.ensureRecords(catalog, spec.model(), CleanSchema.of(spec));
    var picture = table.schema().findField("picture");
    var review = table.schema().findField("review");
    assertThat(picture.type().typeId()).isEqualTo(Type.TypeID.BINARY);
    assertThat(review.type().typeId()).isEqualTo(Type.TypeID.STRING);
    assertThat(picture.isOptional()).isTrue();
    assertThat(picture.fieldId()).isPositive().isNotEqualTo(review.fieldId());

    LakeRows rows = new LakeRows(table.schema(), cleaner.cleanSchema());
    List<Record> records = new ArrayList<>();
    Map<String, byte[]> images = new HashMap<>();
    Map<String, String> texts = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      GenericData.Record in = new GenericData.Record(spec.readerSchema());
      byte[] raw = new byte[64];
      for (int j = 0; j < raw.length; j++) {
        raw[j] = (byte) (i * 7 + j * 13); // includes bytes >= 0x80
      }
      String id = "m-" + i;
      in.put("event_id", id);
      in.put("event_time", T + i);
      in.put("picture", ByteBuffer.wrap(raw));
      in.put("review", "Review №" + i + " — ｆｕｌｌ  width");
      in.put("score", (double) i);
      in.put("label", i % 3);
      CleanResult r = cleaner.clean(in, new SourceRef("media", 0, i, T));
      assertThat(r.isAccepted()).isTrue();
      records.add(rows.convert(((CleanResult.Accepted) r).row()));
      images.put(id, raw);
      texts.put(id, "review no" + i + " — full width");
    }
    List<DataFile> files = LakeFileWriter.writeAll(table, 0, records);
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();

    Table reread = catalog.loadTable(LakeTables.records(spec.model()));
    int n = 0;
    try (CloseableIterable<Record> it = IcebergGenerics.read(reread).build()) {
      for (Record r : it) {
        String id = (String) r.getField("id");
        ByteBuffer b = (ByteBuffer) r.getField("picture");
        byte[] got = new byte[b.remaining()];
        b.duplicate().get(got);
        assertThat(got).as(id).isEqualTo(images.get(id));
        assertThat(r.getField("review")).as(id).isEqualTo(texts.get(id));
        n++;
      }
    }
    assertThat(n).isEqualTo(20);
  }
}
