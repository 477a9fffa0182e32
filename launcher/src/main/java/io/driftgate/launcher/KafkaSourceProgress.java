package io.driftgate.launcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link LakeSnapshotResolver.SourceProgress} of the spec's source topic and ingest consumer group,
 * read with one Kafka admin client (created on first use, closed with the resolver).
 */
public final class KafkaSourceProgress implements LakeSnapshotResolver.SourceProgress {
  private final Map<String, Object> props;
  private final String topic;
  private final String group;
  private Admin admin;

  /**
   * @param clientProperties {@code bootstrap.servers} plus e.g. security settings
   * @param topic the source topic ingestion reads
   * @param group the ingest consumer group (its offsets move after each lake commit)
   */
  public KafkaSourceProgress(Map<String, ?> clientProperties, String topic, String group) {
    this.props = new HashMap<>();
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "driftgate-launcher-lake");
    // A check that cannot reach the broker gives up soon: the launcher checks again.
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.putAll(clientProperties);
    this.topic = topic;
    this.group = group;
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(props);
    }
    return admin;
  }

  /** End offsets of the partitions that hold records; an empty partition's target is 0. */
  @Override
  public Map<Integer, Long> endOffsets() {
    try {
      TopicDescription d = admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      List<TopicPartition> tps =
          d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<Integer, Long> earliest = list(tps, OffsetSpec.earliest());
      Map<Integer, Long> latest = list(tps, OffsetSpec.latest());
      Map<Integer, Long> out = new HashMap<>();
      latest.forEach((p, end) -> out.put(p, end > earliest.getOrDefault(p, 0L) ? end : 0L));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the offsets of " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the end offsets of topic '" + topic + "': " + e.getCause(), e);
    }
  }

  @Override
  public Map<Integer, Long> committed() {
    try {
      Map<TopicPartition, OffsetAndMetadata> c =
          admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<Integer, Long> out = new HashMap<>();
      c.forEach(
          (tp, om) -> {
            if (tp.topic().equals(topic) && om != null) {
              out.put(tp.partition(), om.offset());
            }
          });
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the offsets of " + group, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the offsets of consumer group '" + group + "': " + e.getCause(), e);
    }
  }

  private Map<Integer, Long> list(List<TopicPartition> tps, OffsetSpec spec)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> q = new HashMap<>();
    tps.forEach(tp -> q.put(tp, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r =
        admin().listOffsets(q).all().get();
    Map<Integer, Long> out = new HashMap<>();
    r.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
    return out;
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(5));
      admin = null;
    }
  }
}
