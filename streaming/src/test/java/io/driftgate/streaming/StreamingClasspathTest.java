package io.driftgate.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.testkit.ImageClasspath;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Flink image (Jib, profile {@code images}) carries this module's runtime classpath: Kafka's
 * client, but neither the embedded broker nor the testkit, which the tests use at test scope.
 */
class StreamingClasspathTest {
  @Test
  void theStreamingImageCarriesNoBrokerAndNoTestkit() {
    ImageClasspath cp = ImageClasspath.read(Path.of("target", "image-classpath.txt"));

    assertThat(cp.artifacts())
        .as("a real runtime classpath was listed")
        .contains("org.apache.kafka:kafka-clients", "io.driftgate:driftgate-core");
    assertThat(cp.brokerArtifacts()).isEmpty();
    assertThat(cp.artifacts()).doesNotContain("io.driftgate:driftgate-testkit");
  }
}
