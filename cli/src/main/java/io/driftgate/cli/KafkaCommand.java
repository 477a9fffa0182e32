package io.driftgate.cli;

import io.driftgate.testkit.kafka.BrokerClasspath;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the embedded single-node KRaft broker until interrupted. */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = "Run an embedded single-node Kafka (KRaft) broker on loopback until Ctrl-C.")
final class KafkaCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      description = "Listener port; 0 picks a free one. Default: ${DEFAULT-VALUE}.",
      defaultValue = "9092")
  int port;

  @Option(
      names = "--dir",
      description = "Log directory (kept after exit); default: a temporary one (deleted).")
  Path dir;

  @Option(
      names = "--topic",
      description = "Topics to create, as name or name:partitions (e.g. flights:4).",
      split = ",")
  List<String> topics = List.of("flights:4", "flights.deadletters:1");

  @Option(
      names = "--sasl-plain",
      paramLabel = "USER:PASSWORD",
      description =
          "Require SASL/PLAIN logins of this one user (SASL_PLAINTEXT listener), to try out"
              + " source.kafka.properties against a secured broker.")
  String saslPlain;

  @Override
  public Integer call() throws Exception {
    BrokerClasspath.require("kafka");
    EmbeddedKafka.PlainUser user =
        saslPlain == null ? null : EmbeddedKafka.PlainUser.parse(saslPlain);
    Path logDir = dir != null ? dir : java.nio.file.Files.createTempDirectory("driftgate-kafka-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(port, logDir, dir == null, user)) {
      for (String t : topics) {
        String[] parts = t.split(":");
        kafka.createTopic(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
      }
      System.out.println(
          "Kafka broker ready at " + kafka.bootstrapServers() + " (Ctrl-C stops it)");
      System.out.println("topics: " + topics);
      if (user != null) {
        System.out.println("clients need, in the spec's source.kafka:");
        System.out.println("  properties:");
        kafka
            .clientProperties()
            .forEach((k, v) -> System.out.println("    " + k + ": '" + v + "'"));
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
