package io.driftgate.streaming.ingest;

import io.driftgate.streaming.flink.EmbeddedCheckpoints;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;

/**
 * Why an ingestion job ended: the exception that failed it, when the runner tells (the
 * FlinkRunner's detached result only reports a state; its Flink job client has the cause), so that
 * the caller sees e.g. "cannot write dead letters to Kafka topic ..." and not only "FAILED".
 */
final class JobFailure {
  private JobFailure() {}

  /** {@code what}, with the job's failure cause when known. */
  static IllegalStateException of(PipelineResult result, String what) {
    Optional<Throwable> cause = cause(result);
    if (cause.isEmpty()) {
      return new IllegalStateException(what + "; see the log above");
    }
    return new IllegalStateException(what + ": " + reason(cause.get()), cause.get());
  }

  /**
   * The most telling message of a failure chain: a driftgate exception's own message when there is
   * one (Flink may wrap it, or carry it as a {@code SerializedThrowable} whose message starts with
   * the original class name), else the root cause.
   */
  static String reason(Throwable failure) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage());
      if (t instanceof KafkaSinkException || t instanceof KafkaTopicsException) {
        return t.getMessage();
      }
      for (Class<?> typed : new Class<?>[] {KafkaSinkException.class, KafkaTopicsException.class}) {
        if (text.startsWith(typed.getName() + ": ")) {
          return text.substring(typed.getName().length() + 2);
        }
      }
      root = t;
      if (t.getCause() == t) {
        break;
      }
    }
    return String.valueOf(root);
  }

  /** The exception that failed a Flink job, through its job client; empty when not available. */
  static Optional<Throwable> cause(PipelineResult result) {
    try {
      Object client = EmbeddedCheckpoints.jobClient(result);
      if (client == null) {
        return Optional.empty();
      }
      Class<?> jobClient =
          Class.forName(
              "org.apache.flink.core.execution.JobClient",
              false,
              client.getClass().getClassLoader());
      CompletableFuture<?> done =
          (CompletableFuture<?>) jobClient.getMethod("getJobExecutionResult").invoke(client);
      done.get(10, TimeUnit.SECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.ofNullable(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ReflectiveOperationException
        | RuntimeException
        | java.util.concurrent.TimeoutException
        | LinkageError e) {
      return Optional.empty();
    }
  }
}
