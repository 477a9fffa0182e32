package io.driftgate.trainer;

import ai.djl.engine.Engine;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Fails a training run that asked for GPUs but would run on the CPU. The launcher sets {@value
 * #GPUS_REQUIRED_ENV} on every container that requests {@code nvidia.com/gpu} (JobRenderer); DJL
 * falls back to the CPU without a word when its libtorch has no CUDA natives or the driver is
 * missing, so the trial would take hours on a GPU node and report CPU results. Here it stops with
 * the reason instead.
 */
public final class GpuGuard {
  /** The number of GPUs the pod requested (same name as the launcher's JobRenderer constant). */
  public static final String GPUS_REQUIRED_ENV = "DRIFTGATE_GPUS_REQUIRED";

  private GpuGuard() {}

  /** Checks the process's environment against DJL's engine. */
  public static void requireRequestedGpus() {
    check(System.getenv(), () -> Engine.getInstance().getGpuCount());
  }

  /**
   * Throws when {@code env} requests GPUs and {@code visibleGpus} reports fewer; asks the engine
   * only when GPUs were requested.
   *
   * @throws IllegalStateException when fewer GPUs are visible than requested
   * @throws IllegalArgumentException when the variable is not a non-negative integer
   */
  static void check(Map<String, String> env, IntSupplier visibleGpus) {
    String raw = env.get(GPUS_REQUIRED_ENV);
    if (raw == null || raw.isBlank()) {
      return;
    }
    int required;
    try {
      required = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          GPUS_REQUIRED_ENV + " must be a number of GPUs, is '" + raw + "'", e);
    }
    if (required < 0) {
      throw new IllegalArgumentException(GPUS_REQUIRED_ENV + " must be >= 0, is " + required);
    }
    if (required == 0) {
      return;
    }
    int visible = visibleGpus.getAsInt();
    if (visible < required) {
      throw new IllegalStateException(
          "this pod requested "
              + required
              + " GPU(s) ("
              + GPUS_REQUIRED_ENV
              + ") but DJL's engine sees "
              + visible
              + ": the image's libtorch has no CUDA natives (PYTORCH_FLAVOR, the baked libtorch"
              + " in DJL_CACHE_DIR) or the node's NVIDIA driver is not visible"
              + " (/usr/local/nvidia). Refusing to train on the CPU.");
    }
  }
}
