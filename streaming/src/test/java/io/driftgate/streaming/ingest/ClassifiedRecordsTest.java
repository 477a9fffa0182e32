package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.testkit.generate.GeneratedRecord;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.junit.jupiter.api.Test;

class ClassifiedRecordsTest {
  @Test
  void thePolicysResultIsHandedOnForTheSameArrayAtTheSamePositionOnly() {
    List<GeneratedRecord> records = EventTimePolicyTest.generate(EventTimePolicyTest.JANUARY, 2, 0);
    EventTimePolicy policy =
        new EventTimePolicy(
            EventTimePolicy.EventTimes.of(EventTimePolicyTest.SPEC),
            EventTimePolicy.MAX_DELAY,
            EventTimePolicy.IDLE_TIMEOUT,
            Optional.empty());
    KafkaRecord<byte[], byte[]> r = EventTimePolicyTest.sentNow(records.get(0), 7);
    policy.getTimestampForRecord(EventTimePolicyTest.backlog(1), r);
    byte[] value = r.getKV().getValue();

    // Equal bytes in another array (a coder in between) or another position: classify again.
    assertThat(ClassifiedRecords.take(value.clone(), 0, 7)).isNull();
    assertThat(ClassifiedRecords.take(value, 0, 8)).isNull();

    policy.getTimestampForRecord(EventTimePolicyTest.backlog(1), r);
    ClassifiedRecords.Entry hit = ClassifiedRecords.take(value, 0, 7);
    assertThat(hit).isNotNull();
    assertThat(hit.spec()).isEqualTo(EventTimePolicyTest.SPEC);
    CleanResult own =
        RecordClassifier.of(EventTimePolicyTest.SPEC)
            .classify(value, new SourceRef("flights", 0, 7, r.getTimestamp()));
    assertThat(hit.result()).isInstanceOf(CleanResult.Accepted.class);
    assertThat(((CleanResult.Accepted) hit.result()).row())
        .isEqualTo(((CleanResult.Accepted) own).row());
    // Taken once: a second look is a miss.
    assertThat(ClassifiedRecords.take(value, 0, 7)).isNull();
  }
}
