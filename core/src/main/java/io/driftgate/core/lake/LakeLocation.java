package io.driftgate.core.lake;

/**
 * Where one model's lake tables are: its catalog and the model (the catalog namespace). A model
 * spec is one ({@code io.driftgate.core.spec.ModelSpec}); the lake depends on this interface, not
 * on the spec, so that the spec can hold a {@link LakeCatalog} without a package cycle.
 */
public interface LakeLocation {
  /** The catalog that holds the model's tables. */
  LakeCatalog lakeCatalog();

  /** The model's name: the namespace of its tables in the catalog. */
  String model();
}
