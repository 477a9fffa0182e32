package io.driftgate.bench.train;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.trainer.Preprocessing;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * Model-ready flight rows: the seeded generator's records, decoded, cleaned against the example
 * spec ({@code examples/flight-delay/driftgate.yaml}) and transformed by a {@link Preprocessing}
 * fitted on them, as the trainer would see them.
 */
final class FlightTensors {
  /** Magic of the raw file read by {@code bench/scripts/mlp_throughput.py}. */
  static final int MAGIC = 0x42544744; // "DGTB" little-endian

  final float[] x;
  final int[] labels;
  final int rows;
  final int cols;

  private FlightTensors(float[] x, int[] labels, int cols) {
    this.x = x;
    this.labels = labels;
    this.rows = labels.length;
    this.cols = cols;
  }

  /** The first {@code count} valid generated records (seed {@code seed}) that have a label. */
  static FlightTensors generate(Path specFile, long seed, int count) {
    ModelSpec spec = SpecLoader.load(specFile);
    RecordCleaner cleaner = new RecordCleaner(spec);
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder()
                .seed(seed)
                .count(count)
                .malformedFraction(0)
                .v1Fraction(0)
                .build());
    List<FeatureSpec> features = spec.features();
    String labelField = spec.label().field();
    List<Map<String, Object>> rows = new ArrayList<>(count);
    List<Integer> labels = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      GeneratedRecord g = gen.generate(i);
      GenericRecord decoded;
      try {
        decoded = gen.decoder().decode(g.value());
      } catch (DecodeException e) {
        throw new IllegalStateException("generator produced an undecodable record", e);
      }
      CleanResult r = cleaner.clean(decoded, new SourceRef("flights", 0, i, g.eventTimeMillis()));
      if (!(r instanceof CleanResult.Accepted a)) {
        continue;
      }
      GenericRecord c = a.row();
      Object label = c.get(labelField);
      if (label == null) {
        continue;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (FeatureSpec f : features) {
        Object v = c.get(f.name());
        if (v == null) {
          values.put(f.name(), null);
        } else if (f.isNumeric()) {
          values.put(f.name(), ((Number) v).doubleValue());
        } else {
          values.put(f.name(), v.toString());
        }
      }
      rows.add(values);
      labels.add(((Number) label).intValue());
    }
    Preprocessing prep = Preprocessing.fit(features, rows);
    return new FlightTensors(
        prep.transformAll(rows),
        labels.stream().mapToInt(Integer::intValue).toArray(),
        prep.dimension());
  }

  /** Rows {@code [from, to)}. */
  FlightTensors slice(int from, int to) {
    float[] xs = java.util.Arrays.copyOfRange(x, from * cols, to * cols);
    int[] ls = java.util.Arrays.copyOfRange(labels, from, to);
    return new FlightTensors(xs, ls, cols);
  }

  /**
   * Writes little-endian: int32 magic, int32 rows, int32 cols, rows*cols float32 features
   * (row-major), rows float32 labels.
   */
  void write(Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    // Written next to the file, then moved into place: a reader that waits for the file (the
    // concurrent pairs of train-bench.sh) never sees it half written.
    Path tmp = file.resolveSibling(file.getFileName() + ".part");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      head.putInt(MAGIC).putInt(rows).putInt(cols);
      out.write(head.array());
      ByteBuffer buf = ByteBuffer.allocate(4 * (x.length + rows)).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : x) {
        buf.putFloat(v);
      }
      for (int l : labels) {
        buf.putFloat(l);
      }
      out.write(buf.array());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
