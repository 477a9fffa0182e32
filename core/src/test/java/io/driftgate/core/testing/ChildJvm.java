package io.driftgate.core.testing;

import java.lang.management.ManagementFactory;
import java.util.List;

/** What a test's child JVM inherits from the test JVM's command line. */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * The test JVM's {@code -XX:} options (the build's {@code driftgate.test.jit}: C1 only), for a
   * child JVM started with {@code java -cp ...}: a child that runs seconds pays the same
   * compilation cost as its parent.
   */
  public static List<String> xxFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:"))
        .toList();
  }
}
