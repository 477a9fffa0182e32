package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.UnmatchedLabelsTable;
import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labels topic's values parse or are counted; unmatched labels are stored in the lake. */
class LateLabelsTest {
  @TempDir Path lake;

  @Test
  void labelsParseAndBadOnesAreCounted() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<KV<String, Integer>> parsed =
        p.apply(
                Create.of(KV.of("e1", " 1"), KV.of("e2", "0"), KV.of("e3", "yes"), KV.of("e4", ""))
                    .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
            .apply(ParDo.of(new LateLabels.ParseFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    PAssert.that(parsed).containsInAnyOrder(KV.of("e1", 1), KV.of("e2", 0));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(JoinLabelsTest.counter(result, LateLabels.INVALID)).isEqualTo(2);
  }

  @Test
  void unmatchedLabelsAreStored() throws Exception {
    LakeCatalog catalog = LakeCatalog.embedded(lake);
    LateLabels.ensureTables(catalog, "flight-delay"); // as expand() does
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(
            Create.of(KV.of("e2", 1), KV.of("e4", 0), KV.of("e9", 1))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of())))
        .apply(ParDo.of(new LateLabels.StoreUnmatchedFn(catalog, "flight-delay")));
    p.run().waitUntilFinish();
    assertThat(UnmatchedLabelsTable.count(catalog.open(), "flight-delay")).isEqualTo(3);
  }
}
