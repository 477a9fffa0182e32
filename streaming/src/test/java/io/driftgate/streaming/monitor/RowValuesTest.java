package io.driftgate.streaming.monitor;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The monitor reads a row's feature values by position: from the row a fused step decoded, or from
 * its payload with a reused record. Both give the values a lookup by name in a fresh decode gives.
 */
@RunWith(JUnit4.class)
public class RowValuesTest {
  private static final ModelSpec SPEC = ProfileWindowsTest.SPEC;

  @Test
  public void decodedRowAndPayloadGiveTheSameValuesByPosition() throws Exception {
    Schema schema = CleanSchema.of(SPEC);
    List<ProfiledFeature> features = DatasetFiles.features(SPEC);
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder().seed(11).count(400).malformedFraction(0).build());
    RecordCleaner cleaner = new RecordCleaner(SPEC);
    ProfileWindows.RowValues fromRow = new ProfileWindows.RowValues(schema, features);
    ProfileWindows.RowValues fromPayload = new ProfileWindows.RowValues(schema, features);
    int rows = 0;
    for (long offset = 0; gen.hasNext(); offset++) {
      GeneratedRecord g = gen.next();
      if (!(cleaner.clean(
              gen.decoder().decode(g.value()),
              new SourceRef("flights", 0, offset, g.eventTimeMillis()))
          instanceof CleanResult.Accepted a)) {
        continue;
      }
      LakeEntry decoded = LakeEntry.ofRow(0, offset, g.eventTimeMillis(), a.row(), schema);
      LakeEntry bytes = new LakeEntry(false, 0, offset, g.eventTimeMillis(), "", decoded.payload());
      assertNull(bytes.row());
      List<Object> byName = new ArrayList<>();
      for (ProfiledFeature f : features) {
        Object v = a.row().get(f.name());
        byName.add(v instanceof CharSequence cs ? cs.toString() : v);
      }
      assertArrayEquals(byName.toArray(), fromRow.of(decoded).clone());
      assertArrayEquals(byName.toArray(), fromPayload.of(bytes).clone());
      rows++;
    }
    assertTrue("rows compared: " + rows, rows > 300);
  }

  @Test
  public void textValuesFollowAUtf8TheDecoderReuses() throws Exception {
    Schema schema = CleanSchema.of(SPEC);
    List<ProfiledFeature> features = DatasetFiles.features(SPEC);
    int origin = -1;
    for (int i = 0; i < features.size(); i++) {
      if (features.get(i).name().equals("origin")) {
        origin = i;
      }
    }
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder().seed(12).count(20).malformedFraction(0).build());
    RecordCleaner cleaner = new RecordCleaner(SPEC);
    org.apache.avro.generic.GenericRecord row = null;
    for (long offset = 0; row == null && gen.hasNext(); offset++) {
      GeneratedRecord g = gen.next();
      if (cleaner.clean(
              gen.decoder().decode(g.value()),
              new SourceRef("flights", 0, offset, g.eventTimeMillis()))
          instanceof CleanResult.Accepted a) {
        row = a.row();
      }
    }
    ProfileWindows.RowValues values = new ProfileWindows.RowValues(schema, features);
    // One Utf8 reused for every row, as a decoder reuses its objects.
    org.apache.avro.util.Utf8 text = new org.apache.avro.util.Utf8("ATL");
    row.put("origin", text);
    LakeEntry entry = LakeEntry.ofRow(0, 0, 0, row, schema);
    assertEquals("ATL", values.of(entry)[origin]);
    text.set("BOS");
    assertEquals("BOS", values.of(entry)[origin]);
    text.set("ATL");
    assertEquals("ATL", values.of(entry)[origin]);
    // Many distinct values in turn: each read as it is.
    for (int i = 0; i < 1100; i++) {
      text.set("X" + i);
      assertEquals("X" + i, values.of(entry)[origin]);
    }
    text.set("X3");
    assertEquals("X3", values.of(entry)[origin]);
  }
}
