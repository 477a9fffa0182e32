package io.driftgate.core.tune;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trial process of a local study and what its metrics.jsonl has said so far: read incrementally,
 * it feeds the pruner and flags a NaN objective.
 */
final class RunningTrial {
  private static final Logger LOG = LoggerFactory.getLogger(RunningTrial.class);

  final int index;
  final Map<String, String> params;
  final Process process;
  final long startNanos = System.nanoTime();
  long offset;
  int lastEpoch;
  Map<String, Double> lastMetrics = Map.of();
  Double lastObjective;
  boolean sawHeartbeat;
  boolean stopRequested;
  long stopNanos;
  boolean nan;
  String failReason;

  RunningTrial(int index, Map<String, String> params, Process process) {
    this.index = index;
    this.params = params;
    this.process = process;
  }

  /** Reads complete lines appended to metrics.jsonl since the last call. */
  static void readNewLines(StudySpec spec, Path dir, RunningTrial r, AshaPruner pruner)
      throws IOException {
    Path f = StudyFiles.metrics(dir, r.index);
    if (!Files.isRegularFile(f)) {
      return;
    }
    byte[] bytes;
    try (SeekableByteChannel ch = Files.newByteChannel(f)) {
      long size = ch.size();
      if (size <= r.offset) {
        return;
      }
      ch.position(r.offset);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - r.offset, 16 << 20));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // fill
      }
      bytes = new byte[buf.position()];
      buf.flip();
      buf.get(bytes);
    }
    int end = -1;
    for (int k = bytes.length - 1; k >= 0; k--) {
      if (bytes[k] == '\n') {
        end = k;
        break;
      }
    }
    if (end < 0) {
      return; // no complete line yet
    }
    r.offset += end + 1;
    String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      StudyFiles.EpochLine e = StudyFiles.parseEpochLine(line);
      if (e == null) {
        continue;
      }
      r.lastEpoch = Math.max(r.lastEpoch, e.epoch());
      r.lastMetrics = e.metrics();
      Double v = e.metrics().get(spec.objective().name());
      if (v == null) {
        continue;
      }
      if (!Double.isFinite(v)) {
        r.nan = true;
        continue;
      }
      r.lastObjective = v;
      if (pruner != null && !r.stopRequested && !r.nan && !pruner.report(r.index, e.epoch(), v)) {
        StudyFiles.writeAtomic(StudyFiles.stop(dir, r.index), "pruned at epoch " + e.epoch());
        r.stopRequested = true;
        r.stopNanos = System.nanoTime();
        LOG.info("trial {}: pruned at epoch {} ({}={})", r.index, e.epoch(), spec.objective(), v);
      }
    }
  }
}
