package io.driftgate.core.plantedcyclea;

import io.driftgate.core.plantedcycleb.PlantedB;

/** A planted package cycle (test-only): plantedcyclea -> plantedcycleb -> plantedcyclea. */
public final class PlantedA {
  private PlantedA() {}

  public static int depth(int n) {
    return n <= 0 ? 0 : 1 + PlantedB.depth(n - 1);
  }
}
