package io.driftgate.testkit.kafka;

import io.driftgate.schemas.ErrorKind;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces a generated stream (the flight generator's, or any iterator of records) to Kafka. */
public final class StreamProducer {
  private StreamProducer() {}

  /**
   * Sends {@code config.count()} generated records to {@code topic} (which must exist): key = event
   * id, value = framed Avro bytes, record timestamp = event time. Idempotent producer, acks=all.
   *
   * @param recordsPerSecond target rate; {@code <= 0} sends as fast as possible
   * @param listener progress callback, may be null
   * @return counts and the topic's end offsets after the last acknowledged record
   */
  public static ProduceResult produce(
      String bootstrapServers,
      String topic,
      GeneratorConfig config,
      double recordsPerSecond,
      ProgressListener listener) {
    return produce(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        topic,
        config,
        recordsPerSecond,
        listener);
  }

  /**
   * {@link #produce(String, String, GeneratorConfig, double, ProgressListener)} with full client
   * properties: {@code bootstrap.servers} plus e.g. security settings (see {@link
   * io.driftgate.core.spec.KafkaSourceSpec#clientProperties()}).
   */
  public static ProduceResult produce(
      Map<String, Object> clientProperties,
      String topic,
      GeneratorConfig config,
      double recordsPerSecond,
      ProgressListener listener) {
    return produce(
        clientProperties,
        topic,
        new FlightStreamGenerator(config),
        config.count(),
        recordsPerSecond,
        listener);
  }

  /**
   * Sends every record of {@code records} (e.g. a {@link
   * io.driftgate.testkit.datasets.CorpusStream}, the image and text examples' producers) to {@code
   * topic}, as {@link #produce(String, String, GeneratorConfig, double, ProgressListener)} does:
   * key, value and timestamp from each {@link GeneratedRecord}, counted valid or malformed by its
   * expected error.
   *
   * @param total the records {@code records} will yield, for progress reports only
   */
  public static ProduceResult produce(
      String bootstrapServers,
      String topic,
      Iterator<GeneratedRecord> records,
      long total,
      double recordsPerSecond,
      ProgressListener listener) {
    return produce(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        topic,
        records,
        total,
        recordsPerSecond,
        listener);
  }

  /**
   * {@link #produce(String, String, Iterator, long, double, ProgressListener)} with full client
   * properties.
   */
  public static ProduceResult produce(
      Map<String, Object> clientProperties,
      String topic,
      Iterator<GeneratedRecord> generator,
      long total,
      double recordsPerSecond,
      ProgressListener listener) {
    long start = System.nanoTime();
    Map<ErrorKind, Long> byKind = new EnumMap<>(ErrorKind.class);
    long valid = 0;
    long drifted = 0;
    long sent = 0;
    long lastReport = start;
    AtomicReference<Exception> failure = new AtomicReference<>();
    Map<String, Object> adminProperties = new HashMap<>();
    adminProperties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    adminProperties.putAll(clientProperties);
    try (Admin admin = Admin.create(adminProperties);
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(producerProperties(clientProperties))) {
      List<Integer> partitions = partitions(admin, topic);
      while (generator.hasNext() && failure.get() == null) {
        GeneratedRecord g = generator.next();
        if (recordsPerSecond > 0) {
          long due = start + (long) (sent * 1_000_000_000.0 / recordsPerSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        producer.send(
            new ProducerRecord<>(topic, null, g.eventTimeMillis(), g.key(), g.value()),
            (md, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
        sent++;
        if (g.valid()) {
          valid++;
        } else {
          byKind.merge(g.expectedError(), 1L, Long::sum);
        }
        if (g.drifted()) {
          drifted++;
        }
        long now = System.nanoTime();
        if (listener != null && now - lastReport >= 1_000_000_000L) {
          lastReport = now;
          listener.onProgress(sent, total, (now - start) / 1_000_000);
        }
      }
      producer.flush();
      if (failure.get() != null) {
        throw new IllegalStateException(
            "producing to " + topic + " failed: " + failure.get().getMessage(), failure.get());
      }
      Map<Integer, Long> endOffsets = endOffsets(admin, topic, partitions);
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      if (listener != null) {
        listener.onProgress(sent, total, elapsed);
      }
      return new ProduceResult(sent, valid, byKind, drifted, endOffsets, elapsed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted after " + sent + " records", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (cause instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException("topic " + topic + " does not exist", cause);
      }
      throw new IllegalStateException("Kafka admin request failed: " + cause.getMessage(), cause);
    }
  }

  /**
   * Sends the labels of {@code config}'s valid records to a labels topic, as they would arrive when
   * known: key = event id, value = the label as text, record timestamp = event time + {@code delay}
   * (the topic's create time is the label's event time). Pair it with {@link
   * GeneratorConfig#labelsApart()} records.
   *
   * @return labels sent
   */
  public static long produceLabels(
      String bootstrapServers, String topic, GeneratorConfig config, java.time.Duration delay) {
    FlightStreamGenerator generator = new FlightStreamGenerator(config);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            producerProperties(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)))) {
      while (generator.hasNext() && failure.get() == null) {
        GeneratedRecord g = generator.next();
        if (!g.valid()) {
          continue;
        }
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                g.eventTimeMillis() + delay.toMillis(),
                g.key(),
                Integer.toString(g.label()).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            (md, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
        sent++;
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "producing labels to " + topic + " failed: " + failure.get().getMessage(), failure.get());
    }
    return sent;
  }

  /** The producer settings used by {@link #produce}. */
  public static Properties producerProperties(String bootstrapServers) {
    return producerProperties(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /**
   * The producer settings used by {@link #produce}, with {@code clientProperties} applied last (a
   * spec's {@code source.kafka.properties} may tune them, e.g. add security settings).
   */
  public static Properties producerProperties(Map<String, Object> clientProperties) {
    Properties p = new Properties();
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "driftgate-producer");
    p.putAll(clientProperties);
    return p;
  }

  private static List<Integer> partitions(Admin admin, String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    TopicDescription d =
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    return d.partitions().stream().map(TopicPartitionInfo::partition).toList();
  }

  private static Map<Integer, Long> endOffsets(Admin admin, String topic, List<Integer> partitions)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request =
        partitions.stream()
            .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res =
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
    Map<Integer, Long> out = new HashMap<>();
    res.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
    return out;
  }
}
