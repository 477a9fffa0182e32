package io.driftgate.streaming.monitor;

import io.driftgate.core.monitor.PerformanceMonitor;
import io.driftgate.streaming.scoring.Prediction;
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
 * A window's labelled predictions (event time, version, probability, label; for a multiclass model
 * also its classes and predicted class), mergeable and compact: versions are stored once and
 * referenced by index. What the window's combine collects beside the profile, for the performance
 * monitor ({@link PerformanceMonitor.Labelled}).
 */
public final class LabelledPredictions {
  /** Serialized form's first int when rows carry classes (older bytes start with the count). */
  private static final int WITH_CLASSES = -2;

  private final Map<String, Integer> versions = new LinkedHashMap<>();
  private final List<String> versionList = new ArrayList<>();
  private long[] times = new long[16];
  private double[] probs = new double[16];
  private int[] labels = new int[16];
  private int[] versionOf = new int[16];
  private int[] classes = new int[16];
  private int[] predicted = new int[16];
  private int size;

  public int size() {
    return size;
  }

  /** A labelled prediction of a binary or a multiclass model (ignored when not labelled). */
  public void add(Prediction p) {
    if (!p.labelled()) {
      return;
    }
    if (p.multiclass()) {
      add(
          p.eventTimeMillis(),
          p.modelVersion(),
          p.labelProbability(),
          p.label(),
          p.classes(),
          p.predictedClass());
    } else {
      add(p.eventTimeMillis(), p.modelVersion(), p.score(), p.label());
    }
  }

  /** A binary model's labelled prediction: p of class 1 and the 0/1 label. */
  public void add(long eventTimeMillis, String version, double probability, int label) {
    add(eventTimeMillis, version, probability, label, 2, -1);
  }

  /** As {@link PerformanceMonitor.Labelled}'s components. */
  public void add(
      long eventTimeMillis,
      String version,
      double probability,
      int label,
      int classCount,
      int predictedClass) {
    if (size == times.length) {
      int n = size * 2;
      times = java.util.Arrays.copyOf(times, n);
      probs = java.util.Arrays.copyOf(probs, n);
      labels = java.util.Arrays.copyOf(labels, n);
      versionOf = java.util.Arrays.copyOf(versionOf, n);
      classes = java.util.Arrays.copyOf(classes, n);
      predicted = java.util.Arrays.copyOf(predicted, n);
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
    classes[size] = classCount;
    predicted[size] = predictedClass;
    size++;
  }

  public LabelledPredictions merge(LabelledPredictions other) {
    for (int i = 0; i < other.size; i++) {
      add(
          other.times[i],
          other.versionList.get(other.versionOf[i]),
          other.probs[i],
          other.labels[i],
          other.classes[i],
          other.predicted[i]);
    }
    return this;
  }

  public List<PerformanceMonitor.Labelled> toList() {
    List<PerformanceMonitor.Labelled> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(
          new PerformanceMonitor.Labelled(
              times[i],
              versionList.get(versionOf[i]),
              probs[i],
              labels[i],
              classes[i],
              predicted[i]));
    }
    return out;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(20 + size * 29);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(WITH_CLASSES);
      out.writeInt(versionList.size());
      for (String v : versionList) {
        out.writeUTF(v);
      }
      out.writeInt(size);
      for (int i = 0; i < size; i++) {
        out.writeLong(times[i]);
        out.writeDouble(probs[i]);
        out.writeInt(labels[i]);
        out.writeInt(versionOf[i]);
        out.writeShort(classes[i]);
        out.writeShort(predicted[i]);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@link #toBytes}, or the binary-only form written before multiclass scoring. */
  public static LabelledPredictions fromBytes(byte[] b) {
    LabelledPredictions out = new LabelledPredictions();
    if (b == null || b.length == 0) {
      return out;
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
      int first = in.readInt();
      boolean withClasses = first == WITH_CLASSES;
      int nv = withClasses ? in.readInt() : first;
      List<String> vs = new ArrayList<>(nv);
      for (int i = 0; i < nv; i++) {
        vs.add(in.readUTF());
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        long t = in.readLong();
        double p = in.readDouble();
        if (withClasses) {
          int y = in.readInt();
          String v = vs.get(in.readInt());
          int k = in.readShort();
          int c = in.readShort();
          out.add(t, v, p, y, k, c);
        } else {
          int y = in.readByte();
          out.add(t, vs.get(in.readInt()), p, y);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
