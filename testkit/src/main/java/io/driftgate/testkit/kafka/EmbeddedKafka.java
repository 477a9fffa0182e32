package io.driftgate.testkit.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller, Kafka 3.9) running in
 * this JVM on loopback. Meant for the demo and for tests: retention is unlimited (old event times
 * are kept), internal topics have replication factor 1 and topics are never auto-created.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *   kafka.createTopic("flights", 4);
 *   String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>With a {@link PlainUser} ({@link #startSaslPlain}) the client listener requires SASL/PLAIN
 * over {@code SASL_PLAINTEXT}, so that tests can prove that every client carries the spec's
 * security settings; {@link #clientProperties()} are then the settings a client needs.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final int NODE_ID = 1;
  private static final long READY_TIMEOUT_MS = 60_000;

  private final Path dir;
  private final boolean deleteOnClose;
  private final int port;
  private final PlainUser saslUser;
  private final KafkaRaftServer server;
  private final Admin admin;
  private boolean closed;

  private EmbeddedKafka(
      Path dir,
      boolean deleteOnClose,
      int port,
      PlainUser saslUser,
      KafkaRaftServer server,
      Admin admin) {
    this.dir = dir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
    this.saslUser = saslUser;
    this.server = server;
    this.admin = admin;
  }

  /** The one SASL/PLAIN user of a secured broker. */
  public record PlainUser(String name, String password) {
    public PlainUser {
      // Both end up inside a JAAS config string, where a quote would end the value.
      if (!name.matches("[A-Za-z0-9_-]+") || !password.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("user name and password: letters, digits, _ and -");
      }
    }

    /** Parses {@code name:password}. */
    public static PlainUser parse(String nameAndPassword) {
      int colon = nameAndPassword.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected name:password, got " + nameAndPassword);
      }
      return new PlainUser(
          nameAndPassword.substring(0, colon), nameAndPassword.substring(colon + 1));
    }

    /** The client settings that log in as this user, as {@code source.kafka.properties}. */
    public Map<String, String> clientProperties() {
      return Map.of(
          "security.protocol", "SASL_PLAINTEXT",
          "sasl.mechanism", "PLAIN",
          "sasl.jaas.config", jaasConfig(""));
    }

    /** A PlainLoginModule config logging in as this user, followed by {@code extra} options. */
    String jaasConfig(String extra) {
      return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
          + name
          + "\" password=\""
          + password
          + "\""
          + extra
          + ";";
    }
  }

  /** Starts a broker on a free loopback port with a temporary log dir (deleted on close). */
  public static EmbeddedKafka start() {
    try {
      return start(0, Files.createTempDirectory("driftgate-kafka-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a broker on a free loopback port whose client listener accepts only SASL/PLAIN logins of
   * {@code user} ({@code SASL_PLAINTEXT}); temporary log dir.
   */
  public static EmbeddedKafka startSaslPlain(PlainUser user) {
    try {
      return start(0, Files.createTempDirectory("driftgate-kafka-"), true, user);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a broker.
   *
   * @param port broker port on 127.0.0.1, or 0 for a free one
   * @param dir log directory; formatted when empty, reused (same data) when already formatted
   * @param deleteOnClose whether {@link #close()} deletes {@code dir}
   */
  public static EmbeddedKafka start(int port, Path dir, boolean deleteOnClose) {
    return start(port, dir, deleteOnClose, null);
  }

  /**
   * Starts a broker; with a {@code saslUser} its client listener requires SASL/PLAIN.
   *
   * @param saslUser the only user a SASL_PLAINTEXT listener accepts, or null for PLAINTEXT
   */
  public static EmbeddedKafka start(int port, Path dir, boolean deleteOnClose, PlainUser saslUser) {
    KafkaRaftServer server = null;
    try {
      Files.createDirectories(dir);
      int brokerPort = port > 0 ? port : freePort();
      int controllerPort = freePort();
      Path logDir = dir.resolve("data");
      Properties props = brokerProperties(brokerPort, controllerPort, logDir, saslUser);
      KafkaConfig config = KafkaConfig.fromProps(props, false);
      format(config, logDir);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      Map<String, Object> adminProps = new HashMap<>();
      adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + brokerPort);
      adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
      adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
      if (saslUser != null) {
        adminProps.putAll(saslUser.clientProperties());
      }
      Admin admin = Admin.create(adminProps);
      EmbeddedKafka kafka =
          new EmbeddedKafka(dir, deleteOnClose, brokerPort, saslUser, server, admin);
      kafka.awaitReady();
      return kafka;
    } catch (Exception e) {
      if (server != null) {
        try {
          server.shutdown();
          server.awaitShutdown();
        } catch (RuntimeException ignored) {
          // best effort
        }
      }
      if (deleteOnClose) {
        deleteRecursively(dir);
      }
      throw new IllegalStateException("embedded Kafka failed to start: " + e.getMessage(), e);
    }
  }

  /**
   * Runs a broker until the JVM is interrupted (Ctrl-C), printing the bootstrap address to {@code
   * out}. With {@code dir == null} the data lives in a temporary directory deleted on exit;
   * otherwise it is kept in {@code dir} and reused on the next run.
   */
  public static void runForever(int port, Path dir, PrintStream out) throws InterruptedException {
    EmbeddedKafka kafka;
    try {
      kafka =
          dir == null
              ? start(port, Files.createTempDirectory("driftgate-kafka-"), true)
              : start(port, dir, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              kafka.close();
              stopped.countDown();
            },
            "embedded-kafka-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("Kafka (KRaft, single node) is ready at " + kafka.bootstrapServers());
    out.println("Log dir: " + kafka.dir + (dir == null ? " (deleted on exit)" : ""));
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
  }

  /** {@code EmbeddedKafka [port] [dir]}: runs a broker until Ctrl-C. */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
    Path dir = args.length > 1 ? Path.of(args[1]) : null;
    runForever(port, dir, System.out);
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * What a client needs besides {@code bootstrap.servers}: nothing for a PLAINTEXT broker, the
   * SASL/PLAIN login for a secured one.
   */
  public Map<String, String> clientProperties() {
    return saslUser == null ? Map.of() : saslUser.clientProperties();
  }

  /** The broker port. */
  public int port() {
    return port;
  }

  /** The directory holding the broker's data. */
  public Path dir() {
    return dir;
  }

  /**
   * Creates a topic with replication factor 1 (no-op when it exists) and waits until every
   * partition has a leader.
   */
  /**
   * Creates every topic a model spec uses: the input topic with {@code inputPartitions}, and the
   * dead-letter, drift-report and retrain-request topics with one partition each.
   */
  public void createTopicsFor(io.driftgate.core.spec.ModelSpec spec, int inputPartitions) {
    var kafka = spec.source().kafka();
    createTopic(kafka.topic(), inputPartitions);
    if (kafka.deadLetterTopic() != null) {
      createTopic(kafka.deadLetterTopic(), 1);
    }
    createTopic(spec.drift().reportsTopicOr(kafka.topic()), 1);
    createTopic(spec.drift().requestsTopicOr(spec.model()), 1);
  }

  public void createTopic(String name, int partitions) {
    try {
      try {
        admin
            .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
      while (true) {
        try {
          TopicDescription d =
              admin
                  .describeTopics(List.of(name))
                  .allTopicNames()
                  .get(10, TimeUnit.SECONDS)
                  .get(name);
          if (d.partitions().stream()
              .map(TopicPartitionInfo::leader)
              .allMatch(l -> l != null && !l.isEmpty())) {
            return;
          }
        } catch (ExecutionException e) {
          // Metadata not propagated yet.
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("topic " + name + " has no leaders after creation");
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
    }
  }

  /** Stops the broker and, for temporary brokers, deletes the log dir. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      admin.close(java.time.Duration.ofSeconds(5));
    } finally {
      try {
        server.shutdown();
        server.awaitShutdown();
      } finally {
        if (deleteOnClose) {
          deleteRecursively(dir);
        }
      }
    }
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    Exception last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("broker not ready after " + READY_TIMEOUT_MS + " ms", last);
  }

  static Properties brokerProperties(
      int brokerPort, int controllerPort, Path logDir, PlainUser saslUser) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    // The client listener is PLAINTEXT or SASL_PLAINTEXT; the controller stays PLAINTEXT (only
    // this JVM talks to it).
    String client = saslUser == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
    p.put(
        "listeners",
        client + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", client + "://127.0.0.1:" + brokerPort);
    p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", client);
    if (saslUser != null) {
      p.put("sasl.enabled.mechanisms", "PLAIN");
      p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      // The broker logs in as the user itself (inter-broker) and accepts exactly that user.
      p.put(
          "listener.name.sasl_plaintext.plain.sasl.jaas.config",
          saslUser.jaasConfig(" user_" + saslUser.name() + "=\"" + saslUser.password() + "\""));
    }
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("log.retention.ms", "-1");
    p.put("log.retention.bytes", "-1");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "2");
    p.put("log.cleaner.enable", "false");
    return p;
  }

  private static void format(KafkaConfig config, Path logDir) throws Exception {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    new Formatter()
        .setPrintStream(new PrintStream(java.io.OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir.toAbsolutePath().toString()))
        .setMetadataLogDirectory(config.metadataLogDir())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setIgnoreFormatted(true)
        .run();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
