package io.driftgate.testkit.kafka;

/**
 * Whether the embedded broker's jars are on the classpath. They are not in the production images
 * (the CLI has them at provided scope), so a command that starts a broker asks first and says why
 * instead of failing with a {@link NoClassDefFoundError}. No broker type is referenced here.
 */
public final class BrokerClasspath {
  static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";

  private BrokerClasspath() {}

  /** True when {@link EmbeddedKafka} can start. */
  public static boolean present() {
    return present(BROKER_CLASS);
  }

  static boolean present(String className) {
    try {
      Class.forName(className, false, BrokerClasspath.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Throws when the broker is absent, naming the command and where it runs. */
  public static void require(String command) {
    if (!present()) {
      throw new IllegalStateException(
          command
              + ": the embedded Kafka broker is not on this classpath (production images carry"
              + " none); run './driftgate "
              + command
              + "' from a source checkout, whose build copies it into cli/target/lib");
    }
  }
}
