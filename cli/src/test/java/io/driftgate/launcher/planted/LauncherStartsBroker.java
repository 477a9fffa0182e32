package io.driftgate.launcher.planted;

import io.driftgate.testkit.kafka.EmbeddedKafka;

/** A planted layering violation (test-only): a production module that uses the testkit. */
public final class LauncherStartsBroker {
  private LauncherStartsBroker() {}

  public static String brokerName() {
    return EmbeddedKafka.class.getSimpleName();
  }
}
