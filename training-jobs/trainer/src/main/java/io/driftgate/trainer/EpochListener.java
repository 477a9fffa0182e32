package io.driftgate.trainer;

import java.util.Map;

/**
 * Called after every epoch with that epoch's metrics ({@code train_loss}, {@code val_loss}, {@code
 * val_accuracy}, {@code val_auc} for binary tasks or {@code val_top5} for multiclass ones, {@code
 * lr}, {@code epoch_millis}). The tuner uses it for pruning and heartbeats.
 */
@FunctionalInterface
public interface EpochListener {
  /**
   * @param epoch 1-based epoch number
   * @param metrics metric name to value; NaN losses mean the run diverged
   * @return false to stop training now (status {@link TrainResult.Status#STOPPED_BY_LISTENER})
   */
  boolean onEpoch(int epoch, Map<String, Double> metrics);
}
