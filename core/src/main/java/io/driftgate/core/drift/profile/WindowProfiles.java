package io.driftgate.core.drift.profile;

import io.driftgate.schemas.WindowProfile;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A window's {@link DatasetProfile} as the {@link WindowProfile} Avro record and back, losslessly:
 * each feature's {@code sketch} holds its whole mergeable profile ({@link FeatureProfile#toBytes});
 * the counts and a categorical feature's {@code value_counts} are there for readers without
 * driftgate (a query engine on the lake's {@code window_profiles} table). {@code histogram} stays
 * empty: display bins depend on the reference a page compares with, so readers bin the sketch.
 */
public final class WindowProfiles {
  private WindowProfiles() {}

  public static WindowProfile toAvro(
      String model, Instant start, Instant end, DatasetProfile profile) {
    List<io.driftgate.schemas.FeatureProfile> features = new ArrayList<>();
    for (Map.Entry<String, FeatureProfile> e : profile.features().entrySet()) {
      FeatureProfile f = e.getValue();
      Map<String, Long> counts = new LinkedHashMap<>();
      if (f instanceof CategoricalProfile c) {
        counts.putAll(c.valueCounts());
      }
      features.add(
          io.driftgate.schemas.FeatureProfile.newBuilder()
              .setName(e.getKey())
              .setKind(f.kind().name().toLowerCase(java.util.Locale.ROOT))
              .setCount(f.count())
              .setNullCount(f.nullCount())
              .setSketch(ByteBuffer.wrap(f.toBytes()))
              .setHistogram(List.of())
              .setValueCounts(counts)
              .build());
    }
    return WindowProfile.newBuilder()
        .setModel(model)
        .setWindowStart(start)
        .setWindowEnd(end)
        .setRowCount(profile.rowCount())
        .setFeatures(features)
        .build();
  }

  /** The profile back, from each feature's sketch. */
  public static DatasetProfile toDataset(WindowProfile w) {
    Map<String, FeatureProfile> features = new LinkedHashMap<>();
    for (io.driftgate.schemas.FeatureProfile f : w.getFeatures()) {
      if (f.getSketch() == null) {
        throw new IllegalArgumentException(
            "window profile of "
                + w.getModel()
                + " at "
                + w.getWindowStart()
                + ": feature "
                + f.getName()
                + " has no sketch");
      }
      ByteBuffer b = f.getSketch().duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      features.put(f.getName().toString(), FeatureProfile.fromBytes(bytes));
    }
    return new DatasetProfile(w.getRowCount(), features);
  }
}
