package io.driftgate.cli;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.RetrainRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Publishes a retrain request by hand (or from CI: scheduled and commit-triggered retraining go
 * through the same launcher path as drift triggers).
 */
@Command(
    name = "request",
    mixinStandardHelpOptions = true,
    description =
        "Publish a RetrainRequest (reason schedule, commit or manual) to the request topic.")
final class RequestCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(
      names = "--reason",
      completionCandidates = CliEnums.Reasons.class,
      description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
      defaultValue = "manual")
  Reason reason;

  /** Why a request is published by hand (the drift monitor publishes the others). */
  enum Reason {
    SCHEDULE,
    COMMIT,
    MANUAL
  }

  @Option(
      names = "--id",
      description =
          "What makes this request unique (e.g. the commit SHA); default: the current hour (schedule) or minute.")
  String id;

  @Option(names = "--json", description = "Print the published request as one JSON document.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ModelSpec spec = specOption.load();
    Instant now = Instant.now();
    String unique =
        id != null
            ? id
            : now.truncatedTo(
                    reason == Reason.SCHEDULE
                        ? java.time.temporal.ChronoUnit.HOURS
                        : java.time.temporal.ChronoUnit.MINUTES)
                .toString();
    String key =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(
                        (spec.model() + "|" + CliEnums.name(reason) + "|" + unique)
                            .getBytes(StandardCharsets.UTF_8)))
            .substring(0, 32);
    Instant from = Instant.EPOCH;
    Instant to = now;
    long records;
    Long snapshot;
    try (Lake lake = LakeCommand.open(spec)) {
      // Pinned: the request trains on what the lake holds now, whatever is committed later.
      snapshot = lake.snapshotId();
      Optional<long[]> range = lake.eventTimeRange();
      if (range.isPresent()) {
        from = Instant.ofEpochMilli(range.get()[0]);
        to = Instant.ofEpochMilli(range.get()[1] + 1);
      }
      records = lake.rows();
    }
    RetrainRequest request =
        RetrainRequest.newBuilder()
            .setIdempotencyKey(key)
            .setModel(spec.model())
            .setReasons(List.of(CliEnums.name(reason)))
            .setEvidenceReportIds(List.of())
            .setTriggerWindowEnd(to)
            .setDataFrom(from)
            .setDataTo(to)
            .setLakeSnapshot(snapshot == null ? null : Long.toString(snapshot))
            .setValidRecordsSinceLastRun(records)
            .setRequestedAt(now)
            .build();
    String topic = spec.drift().requestsTopicOr(spec.model());
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // A missing topic or a broker that cannot be reached (or that refuses the connection's
    // security protocol) fails in 20 s, not 60; source.kafka.properties may still change it.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.putAll(spec.source().kafka().clientProperties());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      ByteBuffer value = request.toByteBuffer();
      byte[] bytes = new byte[value.remaining()];
      value.get(bytes);
      try {
        producer.send(new ProducerRecord<>(topic, key, bytes)).get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(
            "cannot publish to topic '"
                + topic
                + "' at "
                + spec.source().kafka().bootstrapServers()
                + ": "
                + e.getCause().getMessage()
                + " (is the broker reachable, does it accept this client's security settings"
                + " (source.kafka.properties: security.protocol, sasl.*), and does the topic"
                + " exist? create it, e.g. kafka-topics.sh --create --topic "
                + topic
                + ")",
            e.getCause());
      }
    }
    if (json) {
      java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
      doc.put("idempotencyKey", key);
      doc.put("reason", CliEnums.name(reason));
      doc.put("model", spec.model());
      doc.put("topic", topic);
      doc.put("dataFrom", from.toString());
      doc.put("dataTo", to.toString());
      doc.put("lakeSnapshot", snapshot);
      doc.put("validRecords", records);
      doc.put("requestedAt", now.toString());
      CliJson.print(doc);
      return 0;
    }
    System.out.printf(
        "published retrain request %s (%s) for %s to %s: train on [%s, %s)%s%n",
        key,
        CliEnums.name(reason),
        spec.model(),
        topic,
        from,
        to,
        snapshot == null ? "" : " of lake snapshot " + snapshot);
    return 0;
  }
}
