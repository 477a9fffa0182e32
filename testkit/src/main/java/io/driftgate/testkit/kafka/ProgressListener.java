package io.driftgate.testkit.kafka;

/** Progress callback of {@link StreamProducer}; called from the producing thread. */
@FunctionalInterface
public interface ProgressListener {

  /**
   * Called about once per second and once at the end.
   *
   * @param sent records handed to the producer so far
   * @param total records to send
   * @param elapsedMillis since the start
   */
  void onProgress(long sent, long total, long elapsedMillis);
}
