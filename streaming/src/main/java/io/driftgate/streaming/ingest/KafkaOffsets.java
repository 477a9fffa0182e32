package io.driftgate.streaming.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Where a consumer group stands against a topic: what is committed, what is pending. */
public final class KafkaOffsets {
  private KafkaOffsets() {}

  /** Per-partition positions. */
  public record Positions(
      Map<Integer, Long> earliest, Map<Integer, Long> latest, Map<Integer, Long> committed) {

    /** Records between the group's position (or the earliest offset) and the log end. */
    public long pending() {
      long n = 0;
      for (Map.Entry<Integer, Long> e : latest.entrySet()) {
        long start = committed.getOrDefault(e.getKey(), earliest.getOrDefault(e.getKey(), 0L));
        n += Math.max(0, e.getValue() - start);
      }
      return n;
    }

    /** Records the group has durably committed (from the earliest offset on). */
    public long committedRecords() {
      long n = 0;
      for (Map.Entry<Integer, Long> e : committed.entrySet()) {
        n += Math.max(0, e.getValue() - earliest.getOrDefault(e.getKey(), 0L));
      }
      return n;
    }
  }

  public static Positions positions(String bootstrapServers, String topic, String group) {
    return positions(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, group);
  }

  /**
   * Positions read with these client properties ({@code bootstrap.servers} plus e.g. security
   * settings, see {@link io.driftgate.core.spec.KafkaSourceSpec#clientProperties()}).
   */
  public static Positions positions(
      Map<String, Object> clientProperties, String topic, String group) {
    Map<String, Object> props = adminProperties(clientProperties);
    try (Admin admin = Admin.create(props)) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      List<TopicPartition> tps =
          d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<Integer, Long> earliest = list(admin, tps, OffsetSpec.earliest());
      Map<Integer, Long> latest = list(admin, tps, OffsetSpec.latest());
      return new Positions(earliest, latest, committed(admin, topic, group));
    } catch (InterruptedException | ExecutionException e) {
      throw failure(e, "offsets of topic '" + topic + "'", props);
    }
  }

  /** Reads a group's committed offsets of one topic, again and again, with one admin client. */
  public static final class Committed implements AutoCloseable {
    private final Admin admin;
    private final String topic;
    private final String group;
    private final Map<String, Object> props;

    private Committed(Map<String, Object> props, String topic, String group) {
      this.admin = Admin.create(props);
      this.topic = topic;
      this.group = group;
      this.props = props;
    }

    /** The group's committed offset per partition of the topic (absent: nothing committed). */
    public Map<Integer, Long> read() {
      try {
        return committed(admin, topic, group);
      } catch (InterruptedException | ExecutionException e) {
        throw failure(
            e, "the committed offsets of group '" + group + "' on topic '" + topic + "'", props);
      }
    }

    @Override
    public void close() {
      admin.close(java.time.Duration.ofSeconds(5));
    }
  }

  /** A reader of the group's committed offsets; close it when done. */
  public static Committed committedReader(
      Map<String, Object> clientProperties, String topic, String group) {
    return new Committed(adminProperties(clientProperties), topic, group);
  }

  private static Map<String, Object> adminProperties(Map<String, Object> clientProperties) {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "driftgate-offsets");
    props.putAll(clientProperties);
    return props;
  }

  /** A failed admin request as an unchecked error naming what was read and from where. */
  private static IllegalStateException failure(
      Exception e, String what, Map<String, Object> props) {
    Object at = props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new IllegalStateException("interrupted while reading " + what + " at " + at, e);
    }
    return new IllegalStateException(
        "cannot read " + what + " at " + at + ": " + e.getCause().getMessage(), e.getCause());
  }

  /** The group's committed offset per partition of {@code topic} (absent: nothing committed). */
  private static Map<Integer, Long> committed(Admin admin, String topic, String group)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetAndMetadata> c =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<Integer, Long> committed = new HashMap<>();
    c.forEach(
        (tp, om) -> {
          if (tp.topic().equals(topic) && om != null) {
            committed.put(tp.partition(), om.offset());
          }
        });
    return committed;
  }

  private static Map<Integer, Long> list(Admin admin, List<TopicPartition> tps, OffsetSpec spec)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> req = tps.stream().collect(Collectors.toMap(t -> t, t -> spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res =
        admin.listOffsets(req).all().get();
    Map<Integer, Long> out = new HashMap<>();
    res.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
    return out;
  }
}
