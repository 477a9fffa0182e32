package io.driftgate.core.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The monitor's files in the lake, each written atomically (temp + rename):
 *
 * <pre>
 * lake/drift-reports/&lt;window start millis&gt;[-late-n].json   every report (Avro JSON)
 * lake/_monitor/state.json                                 the monitor's resumable state
 * lake/_monitor/requests/&lt;idempotency key&gt;.json          every retrain request (Avro JSON)
 * </pre>
 */
public final class MonitorStore {
  public static final String REPORTS_DIR = "drift-reports";
  public static final String MONITOR_DIR = "_monitor";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;

  public MonitorStore(Path lakeRoot) {
    this.root = lakeRoot.toAbsolutePath().normalize();
  }

  public MonitorState load() {
    Path file = root.resolve(MONITOR_DIR).resolve("state.json");
    if (!Files.exists(file)) {
      return MonitorState.initial();
    }
    try {
      Map<?, ?> m = JSON.readValue(file.toFile(), Map.class);
      String ref = (String) m.get("reference");
      return new MonitorState(
          ref == null ? null : Base64.getDecoder().decode(ref),
          Boolean.TRUE.equals(m.get("referenceComplete")),
          (String) m.get("referenceId"),
          (String) m.get("policyState"),
          ((Number) m.get("windows")).longValue(),
          ((Number) m.get("lastWindowEnd")).longValue());
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable monitor state " + file, e);
    }
  }

  public void save(MonitorState state) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "reference",
        state.reference() == null ? null : Base64.getEncoder().encodeToString(state.reference()));
    m.put("referenceComplete", state.referenceComplete());
    m.put("referenceId", state.referenceId());
    m.put("policyState", state.policyStateJson());
    m.put("windows", state.windows());
    m.put("lastWindowEnd", state.lastWindowEnd());
    try {
      writeAtomically(root.resolve(MONITOR_DIR).resolve("state.json"), JSON.writeValueAsBytes(m));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void writeReport(DriftReport report) {
    String name = report.getWindowStart().toEpochMilli() + suffix(report.getReportId()) + ".json";
    writeAtomically(root.resolve(REPORTS_DIR).resolve(name), toJson(report));
  }

  public void writeRequest(RetrainRequest request) {
    writeAtomically(
        root.resolve(MONITOR_DIR)
            .resolve("requests")
            .resolve(requestFileName(request.getIdempotencyKey())),
        toJson(request));
  }

  /** The file of a request in {@code _monitor/requests}: the key, made safe for one file name. */
  public static String requestFileName(String idempotencyKey) {
    return idempotencyKey.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
  }

  /** Reports in window order. */
  public List<DriftReport> reports() {
    return readAll(root.resolve(REPORTS_DIR), DriftReport.getClassSchema(), DriftReport.class);
  }

  public List<RetrainRequest> requests() {
    return readAll(
        root.resolve(MONITOR_DIR).resolve("requests"),
        RetrainRequest.getClassSchema(),
        RetrainRequest.class);
  }

  private static String suffix(String reportId) {
    int late = reportId.indexOf("-late-");
    return late < 0 ? "" : reportId.substring(late);
  }

  public static byte[] toJson(SpecificRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Encoder enc = EncoderFactory.get().jsonEncoder(record.getSchema(), out, true);
      @SuppressWarnings("unchecked")
      SpecificDatumWriter<SpecificRecord> w =
          new SpecificDatumWriter<>((Class<SpecificRecord>) record.getClass());
      w.write(record, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T extends SpecificRecord> T fromJson(byte[] json, Schema schema, Class<T> type) {
    try {
      return new SpecificDatumReader<>(type)
          .read(
              null,
              DecoderFactory.get().jsonDecoder(schema, new String(json, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T extends SpecificRecord> List<T> readAll(
      Path dir, Schema schema, Class<T> type) {
    List<T> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> sorted =
          files
              .filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted(
                  java.util.Comparator.comparing(
                      (Path p) -> {
                        String n = p.getFileName().toString();
                        String digits = n.replaceAll("^(\\d+).*", "$1");
                        return digits.equals(n)
                            ? n
                            : String.format("%020d%s", Long.parseLong(digits), n);
                      }))
              .toList();
      for (Path p : sorted) {
        out.add(fromJson(Files.readAllBytes(p), schema, type));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
