package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.testkit.ImageClasspath;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The launcher and trainer images (Jib, profile {@code images}) carry this module's runtime
 * classpath: the testkit's generators, but no embedded broker (it is provided scope here).
 */
class ImageClasspathTest {
  @Test
  void theCliImagesCarryNoBroker() {
    ImageClasspath cp = ImageClasspath.read(Path.of("target", "image-classpath.txt"));

    assertThat(cp.artifacts())
        .as("a real runtime classpath was listed")
        .contains(
            "org.apache.kafka:kafka-clients",
            "io.driftgate:driftgate-launcher",
            "io.driftgate:driftgate-testkit");
    assertThat(cp.brokerArtifacts()).isEmpty();
    // `driftgate demo` lives in the demo module, which no image carries.
    assertThat(cp.artifacts()).doesNotContain("io.driftgate:driftgate-demo");
  }

  @Test
  void theBrokerIsStillOnTheClasspathThatRunsTheDevCommands() throws Exception {
    // `driftgate kafka` and the tests start it: the provided scope keeps it here.
    assertThat(Class.forName("kafka.server.KafkaRaftServer")).isNotNull();
  }
}
