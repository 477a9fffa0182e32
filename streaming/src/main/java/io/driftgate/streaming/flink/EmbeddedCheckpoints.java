package io.driftgate.streaming.flink;

import java.lang.reflect.Field;
import org.apache.beam.sdk.PipelineResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the embedded Flink cluster of a job this process started for a checkpoint now. Flink 1.16
 * has no client call for it ({@code JobClient} triggers savepoints only), but the per-job embedded
 * cluster ({@code MiniCluster}) does, and the FlinkRunner's detached result holds its job client.
 */
public final class EmbeddedCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCheckpoints.class);

  private EmbeddedCheckpoints() {}

  /**
   * Requests a checkpoint of {@code result}'s job; false (nothing done) when the job does not run
   * on an embedded cluster of this process (another runner, a remote cluster) or Flink refused.
   */
  public static boolean trigger(PipelineResult result) {
    try {
      Object client = jobClient(result);
      if (client == null
          || !client
              .getClass()
              .getName()
              .equals("org.apache.flink.runtime.minicluster.MiniClusterJobClient")) {
        return false;
      }
      MiniCluster cluster = (MiniCluster) field(client, "miniCluster");
      JobID job = (JobID) field(client, "jobID");
      cluster
          .triggerCheckpoint(job)
          .whenComplete(
              (path, failure) -> {
                if (failure != null) {
                  // e.g. the job finished, or is restarting: the next periodic one commits
                  LOG.debug("requested checkpoint not taken: {}", failure.toString());
                }
              });
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("cannot request a checkpoint: {}", e.toString());
      return false;
    }
  }

  /**
   * The Flink {@code JobClient} the FlinkRunner's detached result holds (a private field: Beam 2.51
   * offers no accessor), or null for another runner's result.
   */
  public static Object jobClient(PipelineResult result) throws ReflectiveOperationException {
    return field(result, "jobClient");
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    return null;
  }
}
