package io.driftgate.core.policy;

/** Why a triggered retrain was not requested. */
public enum SuppressionReason {
  /** A run started less than {@code cooldown} before the trigger window's end. */
  COOLDOWN,
  /** {@code maxInFlight} requests for the model are already in flight. */
  MAX_IN_FLIGHT
}
