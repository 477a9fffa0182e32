package io.driftgate.core.plantedcycleb;

import io.driftgate.core.plantedcyclea.PlantedA;

/** A planted package cycle (test-only): plantedcycleb -> plantedcyclea -> plantedcycleb. */
public final class PlantedB {
  private PlantedB() {}

  public static int depth(int n) {
    return n <= 0 ? 0 : 1 + PlantedA.depth(n - 1);
  }
}
