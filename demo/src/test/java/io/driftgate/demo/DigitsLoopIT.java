package io.driftgate.demo;

import io.driftgate.testkit.datasets.CorpusStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digits example end to end on the embedded default (real MNIST digits as 28x28 PNGs, rotated
 * 30 degrees and noised from record 3,600 on): Kafka -> lake (and dead letters of the modality's
 * kinds) -> the drift monitor's request, triggered by the injected drift (mmd).
 */
class DigitsLoopIT {
  @TempDir Path work;

  @Test
  void injectedDriftTriggersTheRequest() throws Exception {
    ExampleLoops.Run run = ExampleLoops.run(Example.digits, null, work);
    ExampleLoops.assertAccounted(run, CorpusStream.IMAGE_INVALID_KINDS);
    ExampleLoops.assertDriftTriggered(run, "mmd");
  }
}
