package io.driftgate.streaming.ingest;

import io.driftgate.core.spec.ModelSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka topics an ingestion job reads and writes, checked before the job starts: the source
 * topic, and the topics it publishes to (dead letters, drift reports, retrain requests). A missing
 * one is created when the spec allows it ({@code source.kafka.createTopics: true}, with the
 * broker's default partitions and replication); otherwise the job does not start and {@link
 * KafkaTopicsException} names every missing topic and the fix. Without this check a missing output
 * topic only shows once a record is written to it: the producer then waits {@code max.block.ms} for
 * its metadata.
 */
public final class KafkaTopics {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  /** How long the whole check (and creation) may take before the brokers count as unreachable. */
  static final long TIMEOUT_MS = 30_000;

  private KafkaTopics() {}

  /**
   * One topic the job uses.
   *
   * @param topic the topic name
   * @param role what the job reads from or writes to it
   * @param specKey the spec key (or default) that names it
   * @param source whether the job reads it (the input topic)
   */
  public record Use(String topic, String role, String specKey, boolean source) {}

  /** Every topic the job configured by {@code config} reads or writes, in that order. */
  public static List<Use> of(IngestConfig config) {
    ModelSpec spec = config.spec();
    Map<String, Use> uses = new LinkedHashMap<>();
    uses.putIfAbsent(
        config.topic(), new Use(config.topic(), "records to ingest", "source.kafka.topic", true));
    String deadLetters = spec.source().kafka().deadLetterTopic();
    if (config.publishDeadLetters() && deadLetters != null) {
      uses.putIfAbsent(
          deadLetters, new Use(deadLetters, "dead letters", "source.kafka.deadLetterTopic", false));
    }
    if (config.monitor()) {
      String reports = spec.drift().reportsTopicOr(config.topic());
      uses.putIfAbsent(reports, new Use(reports, "drift reports", "drift.reportsTopic", false));
      String requests = spec.drift().requestsTopicOr(spec.model());
      uses.putIfAbsent(
          requests, new Use(requests, "retrain requests", "drift.requestsTopic", false));
    }
    String labels = spec.scoring().enabled() ? spec.scoring().labelsTopic() : null;
    if (labels != null) {
      uses.putIfAbsent(labels, new Use(labels, "late labels", "scoring.labels.topic", true));
    }
    return List.copyOf(uses.values());
  }

  /**
   * Checks that every topic of {@link #of(IngestConfig)} exists, creating the missing ones when the
   * spec allows it.
   *
   * @return the topics created
   * @throws KafkaTopicsException when a topic is missing (and may not or could not be created),
   *     cannot be seen, or the brokers do not answer within {@link #TIMEOUT_MS}
   */
  public static List<String> ensure(IngestConfig config) {
    return ensure(
        config.clientProperties(),
        config.bootstrapServers(),
        of(config),
        config.spec().source().kafka().createTopics());
  }

  static List<String> ensure(
      Map<String, Object> clientProperties, String servers, List<Use> uses, boolean create) {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
    // After the defaults, so that a spec may tune them (and must carry its security settings).
    props.putAll(clientProperties);
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    try (Admin admin = Admin.create(props)) {
      List<Use> missing = new ArrayList<>();
      List<Use> hidden = new ArrayList<>();
      Map<String, KafkaFuture<TopicDescription>> described =
          admin.describeTopics(uses.stream().map(Use::topic).toList()).topicNameValues();
      for (Use use : uses) {
        try {
          described.get(use.topic()).get(remaining(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) {
            missing.add(use);
          } else if (e.getCause() instanceof TopicAuthorizationException) {
            hidden.add(use);
          } else {
            throw unreachable(servers, uses, e.getCause());
          }
        } catch (TimeoutException e) {
          throw unreachable(servers, uses, e);
        }
      }
      if (!hidden.isEmpty()) {
        throw new KafkaTopicsException(
            KafkaTopicsException.Reason.NOT_AUTHORIZED,
            hidden.stream().map(Use::topic).toList(),
            "the ingestion job may not see these Kafka topics on "
                + servers
                + ", so it did not start:\n"
                + list(hidden)
                + "Grant its principal Describe and Read on the source topic and Describe and"
                + " Write on the others (source.kafka.properties holds its login).",
            null);
      }
      if (missing.isEmpty()) {
        return List.of();
      }
      if (!create) {
        throw missing(servers, missing);
      }
      create(admin, servers, missing, deadline);
      awaitLeaders(admin, servers, missing, deadline);
      for (Use use : missing) {
        LOG.info(
            "created Kafka topic {} ({}, {}) with the broker's default partitions and"
                + " replication, as source.kafka.createTopics is true",
            use.topic(),
            use.role(),
            use.specKey());
      }
      return missing.stream().map(Use::topic).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the Kafka topics", e);
    }
  }

  private static void create(Admin admin, String servers, List<Use> missing, long deadline)
      throws InterruptedException {
    Map<String, KafkaFuture<Void>> created =
        admin
            .createTopics(
                missing.stream()
                    .map(u -> new NewTopic(u.topic(), Optional.empty(), Optional.empty()))
                    .toList())
            .values();
    List<Use> failed = new ArrayList<>();
    StringBuilder why = new StringBuilder();
    Throwable first = null;
    for (Use use : missing) {
      try {
        created.get(use.topic()).get(remaining(deadline), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          continue; // created by someone else meanwhile
        }
        failed.add(use);
        first = first == null ? e.getCause() : first;
        why.append("  ").append(use.topic()).append(": ").append(e.getCause()).append('\n');
      } catch (TimeoutException e) {
        throw unreachable(servers, missing, e);
      }
    }
    if (!failed.isEmpty()) {
      throw new KafkaTopicsException(
          KafkaTopicsException.Reason.NOT_CREATED,
          failed.stream().map(Use::topic).toList(),
          "these Kafka topics do not exist on "
              + servers
              + " and could not be created (source.kafka.createTopics is true), so the"
              + " ingestion job did not start:\n"
              + list(failed)
              + why
              + "Create them yourself:\n"
              + commands(servers, failed),
          first);
    }
  }

  /** A new topic is usable once every partition has a leader. */
  private static void awaitLeaders(Admin admin, String servers, List<Use> topics, long deadline)
      throws InterruptedException {
    List<String> names = topics.stream().map(Use::topic).toList();
    while (true) {
      try {
        Map<String, TopicDescription> d =
            admin
                .describeTopics(names)
                .allTopicNames()
                .get(remaining(deadline), TimeUnit.MILLISECONDS);
        if (d.values().stream()
            .flatMap(t -> t.partitions().stream())
            .map(TopicPartitionInfo::leader)
            .allMatch(l -> l != null && !l.isEmpty())) {
          return;
        }
      } catch (ExecutionException e) {
        // Metadata not propagated yet.
      } catch (TimeoutException e) {
        throw unreachable(servers, topics, e);
      }
      if (System.currentTimeMillis() > deadline) {
        throw unreachable(servers, topics, null);
      }
      Thread.sleep(50);
    }
  }

  static KafkaTopicsException missing(String servers, List<Use> missing) {
    boolean deadLetters = missing.stream().anyMatch(u -> u.specKey().contains("deadLetter"));
    return new KafkaTopicsException(
        KafkaTopicsException.Reason.MISSING,
        missing.stream().map(Use::topic).toList(),
        "Kafka topic"
            + (missing.size() == 1 ? " " + missing.get(0).topic() + " does" : "s do")
            + " not exist on "
            + servers
            + ", so the ingestion job did not start:\n"
            + list(missing)
            + "Create "
            + (missing.size() == 1 ? "it" : "them")
            + ", e.g.\n"
            + commands(servers, missing)
            + "or set source.kafka.createTopics: true in the spec to let the job create missing"
            + " topics with the broker's defaults (for local and test brokers; provision production"
            + " topics, e.g. with infra/terraform's kafka_topics)"
            + (deadLetters
                ? "; or run without the dead-letter topic (driftgate ingest"
                    + " --no-dead-letter-topic): dead letters are then kept in the lake only."
                : "."),
        null);
  }

  private static KafkaTopicsException unreachable(String servers, List<Use> uses, Throwable cause) {
    return new KafkaTopicsException(
        KafkaTopicsException.Reason.UNREACHABLE,
        uses.stream().map(Use::topic).toList(),
        "Kafka at "
            + servers
            + " did not answer within "
            + TIMEOUT_MS / 1000
            + " s while checking the topics "
            + uses.stream().map(Use::topic).toList()
            + (cause == null ? "" : " (" + cause + ")")
            + ", so the ingestion job did not start. Check source.kafka.bootstrapServers"
            + " (or --bootstrap-servers) and source.kafka.properties (security settings).",
        cause);
  }

  private static String list(List<Use> uses) {
    StringBuilder b = new StringBuilder();
    for (Use u : uses) {
      b.append("  ")
          .append(u.topic())
          .append(" (")
          .append(u.role())
          .append(", ")
          .append(u.specKey())
          .append(")\n");
    }
    return b.toString();
  }

  private static String commands(String servers, List<Use> uses) {
    StringBuilder b = new StringBuilder();
    for (Use u : uses) {
      b.append("  kafka-topics.sh --bootstrap-server ")
          .append(servers)
          .append(" --create --topic ")
          .append(u.topic())
          .append(u.source() ? " --partitions <N>" : " --partitions 1")
          .append('\n');
    }
    return b.toString();
  }

  private static long remaining(long deadline) {
    return Math.max(1, deadline - System.currentTimeMillis());
  }
}
