package io.driftgate.demo;

import io.driftgate.testkit.datasets.CorpusStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text example end to end on the embedded default (WordNet glosses of four noun topics, the
 * topic mix 25/25/25/25 turning 70/10/10/10 at record 3,600): Kafka -> lake (and dead letters of
 * the modality's kinds) -> the drift monitor's request, triggered by the injected drift (mmd).
 */
class TextLoopIT {
  @TempDir Path work;

  @Test
  void injectedDriftTriggersTheRequest() throws Exception {
    ExampleLoops.Run run = ExampleLoops.run(Example.text, null, work);
    ExampleLoops.assertAccounted(run, CorpusStream.TEXT_INVALID_KINDS);
    ExampleLoops.assertDriftTriggered(run, "mmd");
  }
}
