package io.driftgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runtime classpath a module's image carries, as {@code dependency:list} wrote it (the {@code
 * image-classpath} execution in cli's and streaming's POMs, runtime scope, which is the classpath
 * Jib packages). Tests assert that it holds no embedded-broker jar.
 */
public final class ImageClasspath {
  /** The broker's jars (KRaft server, storage formatter, Raft, metadata): demo and tests only. */
  public static final Set<String> BROKER_ARTIFACTS =
      Set.of(
          "org.apache.kafka:kafka_2.13",
          "org.apache.kafka:kafka-server",
          "org.apache.kafka:kafka-server-common",
          "org.apache.kafka:kafka-raft",
          "org.apache.kafka:kafka-metadata",
          "org.apache.kafka:kafka-storage",
          "org.apache.kafka:kafka-group-coordinator",
          "org.apache.kafka:kafka-coordinator-common",
          "org.apache.kafka:kafka-transaction-coordinator",
          "org.apache.kafka:kafka-share-coordinator");

  private final Set<String> artifacts;

  private ImageClasspath(Set<String> artifacts) {
    this.artifacts = artifacts;
  }

  /** Reads a {@code dependency:list} output file; fails when the build did not write it. */
  public static ImageClasspath read(Path listFile) {
    if (!Files.isRegularFile(listFile)) {
      throw new IllegalStateException(
          listFile
              + " is missing: run the module's tests through Maven (its image-classpath execution"
              + " writes it in generate-test-resources)");
    }
    try {
      return parse(Files.readAllLines(listFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses lines such as {@code org.apache.kafka:kafka-clients:jar:3.9.1:compile -- module x}. */
  public static ImageClasspath parse(List<String> lines) {
    Set<String> found = new TreeSet<>();
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+")[0].split(":");
      if (parts.length >= 5) {
        found.add(parts[0] + ":" + parts[1]);
      }
    }
    return new ImageClasspath(found);
  }

  /** groupId:artifactId of every artifact on the classpath. */
  public Set<String> artifacts() {
    return artifacts;
  }

  /** The broker artifacts on the classpath (empty for a production image). */
  public Set<String> brokerArtifacts() {
    Set<String> broker = new TreeSet<>(artifacts);
    broker.retainAll(BROKER_ARTIFACTS);
    return broker;
  }
}
