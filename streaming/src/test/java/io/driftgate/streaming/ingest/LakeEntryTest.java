package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.generate.GeneratedRecord;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class LakeEntryTest {
  @Test
  void aRowEntryKeepsItsRowAndEncodesLikeTheRowWriter() throws Exception {
    GeneratedRecord g = EventTimePolicyTest.generate(EventTimePolicyTest.JANUARY, 1, 0).get(0);
    CleanResult r =
        RecordClassifier.of(EventTimePolicyTest.SPEC)
            .classify(g.value(), new SourceRef("flights", 3, 42, 0));
    GenericRecord row = ((CleanResult.Accepted) r).row();
    Schema schema = new Schema.Parser().parse(CleanSchema.of(EventTimePolicyTest.SPEC).toString());
    long eventTime = (Long) row.get(CleanSchema.EVENT_TIME);

    LakeEntry entry = LakeEntry.ofRow(3, 42, eventTime, row, schema);
    assertThat(entry.row()).isSameAs(row);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(schema).write(row, enc);
    enc.flush();
    assertThat(entry.payload()).isEqualTo(bytes.toByteArray());
    assertThat(entry).isEqualTo(new LakeEntry(false, 3, 42, eventTime, "", bytes.toByteArray()));

    // Through the coder (a shuffle): the bytes only, which decode to the same row.
    LakeEntry copy = CoderUtils.clone(LakeEntry.LakeEntryCoder.of(), entry);
    assertThat(copy.row()).isNull();
    assertThat(copy).isEqualTo(entry);
    GenericRecord decoded =
        new GenericDatumReader<GenericRecord>(schema)
            .read(null, DecoderFactory.get().binaryDecoder(copy.payload(), null));
    assertThat(decoded.toString()).isEqualTo(row.toString());
    assertThat(copy.partition()).isEqualTo(3);
    assertThat(copy.offset()).isEqualTo(42);
    assertThat(copy.timeMillis()).isEqualTo(eventTime);
    assertThat(copy.deadLetter()).isFalse();
  }
}
