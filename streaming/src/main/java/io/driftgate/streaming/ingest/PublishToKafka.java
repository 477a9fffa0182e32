package io.driftgate.streaming.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes key/value pairs to one Kafka topic, failing loudly: a record the producer cannot write (a
 * missing or deleted topic, no Write permission, a record larger than the topic accepts, brokers
 * away for longer than {@code delivery.timeout.ms}) throws {@link KafkaSinkException} from the
 * bundle, within {@link #MAX_BLOCK_MS} plus {@link #DELIVERY_TIMEOUT_MS} at most, so the job fails
 * and restarts from its last checkpoint (the records are replayed, not lost). KafkaIO's writer with
 * the client defaults waits 60 s per record for a missing topic's metadata with only WARN lines,
 * which slows ingestion to a crawl instead.
 *
 * <p>The spec's {@code source.kafka.properties} are applied after driftgate's defaults, so a spec
 * may tune the timeouts.
 */
public final class PublishToKafka<K, V> extends PTransform<PCollection<KV<K, V>>, PDone> {
  /** Longest a send waits for the topic's metadata or buffer space (client default: 60 s). */
  static final int MAX_BLOCK_MS = 10_000;

  /** Longest a record may take to be acknowledged, retries included (client default: 120 s). */
  static final int DELIVERY_TIMEOUT_MS = 30_000;

  static final int REQUEST_TIMEOUT_MS = 10_000;

  /**
   * How long a record waits for others to share its produce request (client default: 0). Dead
   * letters trickle in one at a time among the valid records; with no wait the producer sent about
   * one request per dead letter, each a round of work for the producer and the broker (acks=all).
   * The bundle's end flushes anyway. Only used when the batches fit the topic ({@link
   * #withBatching}).
   */
  static final int LINGER_MS = 20;

  /** The client's default {@code batch.size}. */
  static final int DEFAULT_BATCH_BYTES = 16_384;

  private final String bootstrapServers;
  private final String topic;
  private final String role;
  private final String specKey;
  private final Map<String, String> kafkaProperties;
  private final Class<? extends Serializer<K>> keySerializer;
  private final Class<? extends Serializer<V>> valueSerializer;

  private PublishToKafka(Builder<K, V> b) {
    this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "setBootstrapServers");
    this.topic = Objects.requireNonNull(b.topic, "setTopic");
    this.role = Objects.requireNonNull(b.role, "setRole");
    this.specKey = Objects.requireNonNull(b.specKey, "setRole");
    this.keySerializer = Objects.requireNonNull(b.keySerializer, "setSerializers");
    this.valueSerializer = Objects.requireNonNull(b.valueSerializer, "setSerializers");
    this.kafkaProperties = Map.copyOf(b.kafkaProperties);
  }

  public static <K, V> Builder<K, V> builder() {
    return new Builder<>();
  }

  /** {@code set*} required, {@code opt*} optional. */
  public static final class Builder<K, V> {
    private String bootstrapServers;
    private String topic;
    private String role;
    private String specKey;
    private Map<String, String> kafkaProperties = Map.of();
    private Class<? extends Serializer<K>> keySerializer;
    private Class<? extends Serializer<V>> valueSerializer;

    public Builder<K, V> setBootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder<K, V> setTopic(String topic) {
      this.topic = topic;
      return this;
    }

    /** What the topic carries (e.g. "dead letters") and the spec key naming it, for errors. */
    public Builder<K, V> setRole(String role, String specKey) {
      this.role = role;
      this.specKey = specKey;
      return this;
    }

    public Builder<K, V> setSerializers(
        Class<? extends Serializer<K>> key, Class<? extends Serializer<V>> value) {
      this.keySerializer = key;
      this.valueSerializer = value;
      return this;
    }

    /** Extra producer properties ({@code source.kafka.properties}). */
    public Builder<K, V> optKafkaProperties(Map<String, String> kafkaProperties) {
      this.kafkaProperties = kafkaProperties;
      return this;
    }

    public PublishToKafka<K, V> build() {
      return new PublishToKafka<>(this);
    }
  }

  /** driftgate's producer defaults, then the spec's properties, then what driftgate owns. */
  Map<String, Object> producerConfig() {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
    p.putAll(kafkaProperties);
    if (!kafkaProperties.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      // The client refuses a delivery timeout shorter than request timeout + linger.
      long floor =
          Long.parseLong(String.valueOf(p.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)))
              + Long.parseLong(String.valueOf(p.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, 0)));
      if (floor > DELIVERY_TIMEOUT_MS) {
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(floor));
      }
    }
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, keySerializer.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, valueSerializer.getName());
    return p;
  }

  /** What an admin client of the same cluster needs: the servers and the spec's properties. */
  Map<String, Object> adminConfig() {
    Map<String, Object> p = new HashMap<>(kafkaProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "driftgate-publish-" + topic);
    return p;
  }

  /**
   * {@code producer} with records batched for {@code topic}: {@link #LINGER_MS} and a {@code
   * batch.size} no larger than the topic's {@code max.message.bytes}, read from the cluster. A
   * batch larger than the topic accepts is refused, and Kafka's producer splits a refused batch
   * into batches of {@code batch.size} again until the delivery timeout, so a refusing topic would
   * fail the job 30 s late with a timeout instead of at once with the broker's reason. Unchanged
   * (no linger, one record per request while they trickle) when the spec sets {@code linger.ms} or
   * {@code batch.size} itself, or when the topic's limit cannot be read (no DescribeConfigs
   * permission, missing topic: then the first send reports that).
   */
  static Map<String, Object> withBatching(
      Map<String, Object> producer, Map<String, Object> admin, String topic) {
    if (producer.containsKey(ProducerConfig.LINGER_MS_CONFIG)
        || producer.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
      return producer;
    }
    Map<String, Object> out = new HashMap<>(producer);
    try (Admin client = Admin.create(admin)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config =
          client
              .describeConfigs(
                  List.of(resource), new DescribeConfigsOptions().timeoutMs(REQUEST_TIMEOUT_MS))
              .all()
              .get()
              .get(resource);
      ConfigEntry limit = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      int maxMessageBytes = Integer.parseInt(limit.value());
      out.put(ProducerConfig.BATCH_SIZE_CONFIG, Math.min(DEFAULT_BATCH_BYTES, maxMessageBytes));
      out.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      LoggerFactory.getLogger(PublishToKafka.class)
          .info(
              "records to Kafka topic {} go one per request: its max.message.bytes could not be"
                  + " read ({})",
              topic,
              e instanceof ExecutionException ? e.getCause() : e);
    }
    return out;
  }

  @Override
  public PDone expand(PCollection<KV<K, V>> input) {
    input.apply(
        "Write",
        ParDo.of(
            new WriteFn<K, V>(
                new HashMap<>(producerConfig()),
                new HashMap<>(adminConfig()),
                topic,
                role,
                specKey,
                bootstrapServers)));
    return PDone.in(input.getPipeline());
  }

  static final class WriteFn<K, V> extends DoFn<KV<K, V>, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(PublishToKafka.class);

    private final HashMap<String, Object> config;
    private final HashMap<String, Object> adminConfig;
    private final String topic;
    private final String role;
    private final String specKey;
    private final String servers;
    private transient Producer<K, V> producer;
    private transient AtomicReference<Exception> failure;
    private transient AtomicLong failed;

    WriteFn(
        HashMap<String, Object> config,
        HashMap<String, Object> adminConfig,
        String topic,
        String role,
        String specKey,
        String servers) {
      this.config = config;
      this.adminConfig = adminConfig;
      this.topic = topic;
      this.role = role;
      this.specKey = specKey;
      this.servers = servers;
    }

    @Setup
    public void setup() {
      producer = new KafkaProducer<>(withBatching(config, adminConfig, topic));
      failure = new AtomicReference<>();
      failed = new AtomicLong();
    }

    @ProcessElement
    public void process(@Element KV<K, V> kv) {
      check();
      try {
        producer.send(
            new ProducerRecord<>(topic, kv.getKey(), kv.getValue()),
            (metadata, e) -> {
              if (e != null) {
                failed.incrementAndGet();
                failure.compareAndSet(null, e);
              }
            });
      } catch (KafkaException e) {
        failed.incrementAndGet();
        failure.compareAndSet(null, e);
      }
      check();
    }

    @FinishBundle
    public void finishBundle() {
      producer.flush();
      check();
    }

    @Teardown
    public void teardown() {
      if (producer != null) {
        producer.close(java.time.Duration.ofSeconds(5));
      }
    }

    private void check() {
      Exception e = failure.get();
      if (e == null) {
        return;
      }
      KafkaSinkException ex =
          new KafkaSinkException(
              topic,
              "cannot write "
                  + role
                  + " to Kafka topic "
                  + topic
                  + " ("
                  + specKey
                  + ") on "
                  + servers
                  + ": "
                  + failed.get()
                  + " record(s) failed, first with "
                  + e
                  + ". "
                  + fix(e)
                  + " The job fails rather than drop them or wait on every record; it resumes"
                  + " from its last checkpoint once the topic takes writes.",
              e);
      LOG.error("{}", ex.getMessage());
      throw ex;
    }

    private String fix(Exception e) {
      if (e instanceof TimeoutException && String.valueOf(e.getMessage()).contains("metadata")) {
        return "The topic does not exist (or its leader is unreachable): create it, or let the"
            + " job create missing topics at start (source.kafka.createTopics: true).";
      }
      if (e instanceof AuthorizationException) {
        return "Grant this job's principal Write on the topic.";
      }
      if (e instanceof RecordTooLargeException) {
        return "Raise the topic's max.message.bytes (and the producer's max.request.size in"
            + " source.kafka.properties).";
      }
      return "Check that the topic exists and that the brokers accept this job's writes.";
    }
  }
}
