package io.driftgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageClasspathTest {
  @Test
  void findsTheBrokerJarsInADependencyListOutput() {
    ImageClasspath cp =
        ImageClasspath.parse(
            List.of(
                "",
                "The following files have been resolved:",
                "   org.apache.kafka:kafka-clients:jar:3.9.1:compile -- module kafka.clients",
                "   org.apache.kafka:kafka_2.13:jar:3.9.1:compile -- module kafka (auto)",
                "   org.apache.kafka:kafka-raft:jar:3.9.1:runtime",
                "   io.driftgate:driftgate-core:jar:0.1.0-SNAPSHOT:compile"));

    assertThat(cp.artifacts())
        .containsExactlyInAnyOrder(
            "org.apache.kafka:kafka-clients",
            "org.apache.kafka:kafka_2.13",
            "org.apache.kafka:kafka-raft",
            "io.driftgate:driftgate-core");
    assertThat(cp.brokerArtifacts())
        .containsExactly("org.apache.kafka:kafka-raft", "org.apache.kafka:kafka_2.13");
  }

  @Test
  void aClientOnlyClasspathHasNoBroker() {
    ImageClasspath cp =
        ImageClasspath.parse(List.of("   org.apache.kafka:kafka-clients:jar:3.9.1:compile"));

    assertThat(cp.brokerArtifacts()).isEmpty();
  }

  @Test
  void aMissingListFileSaysHowToWriteIt(@TempDir Path dir) {
    assertThatThrownBy(() -> ImageClasspath.read(dir.resolve("image-classpath.txt")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("image-classpath execution");
  }
}
