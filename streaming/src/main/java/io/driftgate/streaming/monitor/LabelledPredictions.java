package io.driftgate.streaming.monitor;

import io.driftgate.core.monitor.PerformanceMonitor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A window's labelled predictions (event time, version, probability, label), mergeable and compact:
 * versions are stored once and referenced by index. What the window's combine collects beside the
 * profile, for the performance monitor.
 */
public final class LabelledPredictions {
  private final Map<String, Integer> versions = new LinkedHashMap<>();
  private final List<String> versionList = new ArrayList<>();
  private long[] times = new long[16];
  private double[] probs = new double[16];
  private int[] labels = new int[16];
  private int[] versionOf = new int[16];
  private int size;

  public int size() {
    return size;
  }

  public void add(long eventTimeMillis, String version, double probability, int label) {
    if (size == times.length) {
      int n = size * 2;
      times = java.util.Arrays.copyOf(times, n);
      probs = java.util.Arrays.copyOf(probs, n);
      labels = java.util.Arrays.copyOf(labels, n);
      versionOf = java.util.Arrays.copyOf(versionOf, n);
    }
    Integer v = versions.get(version);
    if (v == null) {
      v = versionList.size();
      versions.put(version, v);
      versionList.add(version);
    }
    times[size] = eventTimeMillis;
    probs[size] = probability;
    labels[size] = label;
    versionOf[size] = v;
    size++;
  }

  public LabelledPredictions merge(LabelledPredictions other) {
    for (int i = 0; i < other.size; i++) {
      add(
          other.times[i],
          other.versionList.get(other.versionOf[i]),
          other.probs[i],
          other.labels[i]);
    }
    return this;
  }

  public List<PerformanceMonitor.Labelled> toList() {
    List<PerformanceMonitor.Labelled> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(
          new PerformanceMonitor.Labelled(
              times[i], versionList.get(versionOf[i]), probs[i], labels[i]));
    }
    return out;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + size * 21);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(versionList.size());
      for (String v : versionList) {
        out.writeUTF(v);
      }
      out.writeInt(size);
      for (int i = 0; i < size; i++) {
        out.writeLong(times[i]);
        out.writeDouble(probs[i]);
        out.writeByte(labels[i]);
        out.writeInt(versionOf[i]);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static LabelledPredictions fromBytes(byte[] b) {
    LabelledPredictions out = new LabelledPredictions();
    if (b == null || b.length == 0) {
      return out;
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
      int nv = in.readInt();
      List<String> vs = new ArrayList<>(nv);
      for (int i = 0; i < nv; i++) {
        vs.add(in.readUTF());
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        long t = in.readLong();
        double p = in.readDouble();
        int y = in.readByte();
        out.add(t, vs.get(in.readInt()), p, y);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
