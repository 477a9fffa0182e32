package io.driftgate.core.spec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The spec against its Avro schemas: reads the reader schema, the history and the registry
 * directory, checks each older schema is readable with the reader schema, and checks the fields the
 * spec names exist with fitting types. Problems go to the shared {@link SpecReader}.
 */
final class SchemaChecks {
  private static final Pattern REGISTRY_FILE = Pattern.compile("(\\d{1,9})\\.avsc");

  /** The schemas as JSON text; {@code reader} is null when it could not be read. */
  record Schemas(Schema reader, List<String> historyJson, Map<Integer, String> registryJson) {}

  /** Classification of an Avro field type, ignoring a ["null", T] union. */
  private record FieldType(Schema type, boolean nullable, String description) {}

  private final SpecReader r;
  private final Path baseDir;

  SchemaChecks(SpecReader r, Path baseDir) {
    this.r = r;
    this.baseDir = baseDir;
  }

  /** Reads {@code source.schema}, {@code source.schemaHistory} and the registry directory. */
  Schemas read(Path schemaPath, List<Path> historyPaths, Path registryDir) {
    Schema reader = schemaPath == null ? null : readSchema("source.schema", schemaPath);
    if (reader != null && reader.getType() != Schema.Type.RECORD) {
      r.err(
          "source.schema",
          schemaPath.toString(),
          "holds a " + reader.getType().getName() + " schema, not a record",
          "point it to an .avsc file whose top-level type is \"record\"");
      reader = null;
    }
    List<String> historyJson = new ArrayList<>();
    for (int i = 0; i < historyPaths.size(); i++) {
      String key = "source.schemaHistory[" + i + "]";
      Schema writer = readSchema(key, historyPaths.get(i));
      if (writer != null) {
        historyJson.add(writer.toString());
        checkReadable(key, historyPaths.get(i).toString(), reader, writer);
      }
    }
    return new Schemas(reader, historyJson, registry(registryDir, reader));
  }

  private Schema readSchema(String key, Path file) {
    if (!Files.isRegularFile(file)) {
      r.err(
          key,
          file.toString(),
          "is not an existing file",
          "give the path of an Avro schema (.avsc), relative to " + baseDir);
      return null;
    }
    try {
      return new Schema.Parser().parse(Files.readString(file));
    } catch (IOException e) {
      r.err(key, file.toString(), "cannot be read (" + e + ")", "check the file's permissions");
    } catch (SchemaParseException | IllegalArgumentException e) {
      r.err(
          key,
          file.toString(),
          "is not a valid Avro schema: " + SpecReader.oneLine(e.getMessage()),
          "fix the schema file or point to a valid .avsc");
    } catch (RuntimeException e) {
      r.err(
          key,
          file.toString(),
          "is not a valid Avro schema: " + SpecReader.oneLine(String.valueOf(e)),
          "fix the schema file or point to a valid .avsc");
    }
    return null;
  }

  private void checkReadable(String key, String file, Schema reader, Schema writer) {
    if (reader == null) {
      return;
    }
    SchemaCompatibility.SchemaPairCompatibility c =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      String why =
          c.getResult().getIncompatibilities().stream()
              .map(i -> i.getMessage() + " at " + describeLocation(reader, i.getLocation()))
              .collect(Collectors.joining("; "));
      r.err(
          key,
          file,
          "cannot be read with the reader schema (source.schema): " + why,
          "make the reader schema backward compatible, e.g. give new fields a default");
    }
  }

  /** Adds the field name to a JSON-pointer location such as {@code /fields/2/type/1}. */
  private static String describeLocation(Schema reader, String location) {
    var m = Pattern.compile("^/fields/(\\d+)").matcher(location == null ? "" : location);
    if (m.find()) {
      int i = Integer.parseInt(m.group(1));
      if (i < reader.getFields().size()) {
        return location + " (field " + reader.getFields().get(i).name() + ")";
      }
    }
    return location;
  }

  private Map<Integer, String> registry(Path dir, Schema reader) {
    Map<Integer, String> out = new TreeMap<>();
    if (dir == null) {
      return out;
    }
    String key = "source.schemaRegistryDir";
    if (!Files.isDirectory(dir)) {
      r.err(
          key,
          dir.toString(),
          "is not an existing directory",
          "give a directory of <id>.avsc files, relative to " + baseDir);
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.avsc")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      r.err(key, dir.toString(), "cannot be listed (" + e + ")", "check permissions");
      return out;
    }
    files.sort(Comparator.comparing(Path::toString));
    for (Path f : files) {
      String name = f.getFileName().toString();
      var mt = REGISTRY_FILE.matcher(name);
      if (!mt.matches()) {
        r.err(
            key,
            f.toString(),
            "contains a schema file not named <id>.avsc",
            "rename it to its numeric schema id, e.g. 1.avsc");
        continue;
      }
      Schema s = readSchema(key + "/" + name, f);
      if (s != null) {
        out.put(Integer.parseInt(mt.group(1)), s.toString());
        checkReadable(key + "/" + name, f.toString(), reader, s);
      }
    }
    return out;
  }

  private FieldType fieldType(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      List<Schema> branches = s.getTypes();
      List<Schema> nonNull =
          branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
      if (nonNull.size() == 1) {
        return new FieldType(nonNull.get(0), branches.size() > 1, s.toString());
      }
      return new FieldType(null, true, s.toString());
    }
    return new FieldType(s, false, s.toString());
  }

  private Schema.Field schemaField(
      Schema reader, String key, String name, String role, boolean report) {
    Schema.Field f = reader.getField(name);
    if (f == null && report) {
      r.err(
          key,
          name,
          "is not a field of the reader schema " + reader.getFullName(),
          "use one of the "
              + role
              + " fields: "
              + reader.getFields().stream()
                  .map(Schema.Field::name)
                  .collect(Collectors.joining(", ")));
    }
    return f;
  }

  void checkEventTime(Schema reader, String field) {
    if (field == null) {
      return;
    }
    Schema.Field f = schemaField(reader, "eventTime.field", field, "schema", true);
    if (f == null) {
      return;
    }
    FieldType t = fieldType(f.schema());
    boolean ok = false;
    if (t.type() != null
        && (t.type().getType() == Schema.Type.LONG || t.type().getType() == Schema.Type.INT)) {
      LogicalType lt = t.type().getLogicalType();
      ok = lt == null || lt instanceof LogicalTypes.TimestampMillis;
    }
    if (!ok) {
      r.err(
          "eventTime.field",
          field,
          "has type " + t.description(),
          "the event-time field must be a long or int holding epoch milliseconds (logicalType"
              + " timestamp-millis allowed, optionally in a [\"null\", ...] union)");
    }
  }

  void checkLabel(Schema reader, String field, LabelKind kind, LabelSpec rules) {
    if (field == null) {
      return;
    }
    Schema.Field f = schemaField(reader, "label.field", field, "schema", true);
    if (f == null || kind == null) {
      return;
    }
    FieldType t = fieldType(f.schema());
    Schema.Type ty = t.type() == null ? null : t.type().getType();
    boolean text = ty == Schema.Type.STRING || ty == Schema.Type.ENUM;
    boolean mapped = rules != null && !rules.mapping().isEmpty();
    boolean ok =
        switch (kind) {
          case BINARY ->
              ty == Schema.Type.INT
                  || ty == Schema.Type.LONG
                  || ty == Schema.Type.BOOLEAN
                  || (text && mapped);
          case MULTICLASS -> ty == Schema.Type.INT || ty == Schema.Type.LONG || (text && mapped);
          case REGRESSION ->
              ty == Schema.Type.INT
                  || ty == Schema.Type.LONG
                  || ty == Schema.Type.FLOAT
                  || ty == Schema.Type.DOUBLE;
        };
    if (!ok) {
      String expected =
          switch (kind) {
            case BINARY ->
                "int, long or boolean, or a string or enum with label.mapping from each value"
                    + " to 0 or 1 (e.g. mapping: {yes: 1, no: 0})";
            case MULTICLASS ->
                "int or long, or a string or enum with label.mapping from each value to its"
                    + " class (e.g. mapping: {cat: 0, dog: 1, bird: 2})";
            case REGRESSION -> "int, long, float or double";
          };
      r.err(
          "label.field",
          field,
          "has type "
              + t.description()
              + ", which does not fit label.kind "
              + kind.configName()
              + (text && kind != LabelKind.REGRESSION ? " without label.mapping" : ""),
          "a " + kind.configName() + " label must be " + expected + "; it may be nullable");
    }
  }

  void checkId(Schema reader, String field) {
    if (field == null) {
      return;
    }
    Schema.Field f = schemaField(reader, "id.field", field, "schema", true);
    if (f == null) {
      return;
    }
    FieldType t = fieldType(f.schema());
    Schema.Type ty = t.type() == null ? null : t.type().getType();
    if (ty != Schema.Type.STRING && ty != Schema.Type.INT && ty != Schema.Type.LONG) {
      r.err(
          "id.field",
          field,
          "has type " + t.description(),
          "the id field must be a string, int or long, optionally nullable");
    }
  }

  void checkFeatures(Schema reader, List<FeatureSpec> features) {
    for (int i = 0; i < features.size(); i++) {
      FeatureSpec fs = features.get(i);
      String key = "features[" + i + "].name";
      Schema.Field f = schemaField(reader, key, fs.name(), "schema", true);
      if (f == null) {
        continue;
      }
      FieldType t = fieldType(f.schema());
      Schema.Type ty = t.type() == null ? null : t.type().getType();
      if (fs.isNumeric()) {
        boolean ok =
            ty == Schema.Type.INT
                || ty == Schema.Type.LONG
                || ty == Schema.Type.FLOAT
                || ty == Schema.Type.DOUBLE;
        if (ok && t.type().getLogicalType() != null) {
          ok = false;
        }
        if (!ok) {
          r.err(
              key,
              fs.name(),
              "has schema type " + t.description() + ", which is not numeric",
              "a numeric feature must be int, long, float or double (optionally [\"null\", ...]);"
                  + " use kind: categorical for strings and enums");
        }
      } else if (fs.isImage()) {
        if (ty != Schema.Type.BYTES) {
          r.err(
              key,
              fs.name(),
              "has schema type " + t.description() + ", which cannot hold an image",
              "an image feature must be an Avro bytes field (optionally [\"null\", \"bytes\"])"
                  + " holding PNG/JPEG bytes or a raw channels x height x width tensor");
        }
      } else if (fs.isText()) {
        if (ty != Schema.Type.STRING) {
          r.err(
              key,
              fs.name(),
              "has schema type " + t.description() + ", which cannot hold text",
              "a text feature must be an Avro string field (optionally [\"null\", \"string\"]);"
                  + " use kind: categorical for enums");
        }
      } else if (fs.isCategorical()) {
        if (ty != Schema.Type.STRING && ty != Schema.Type.ENUM) {
          r.err(
              key,
              fs.name(),
              "has schema type " + t.description() + ", which is not categorical",
              "a categorical feature must be string or enum (optionally [\"null\", ...]); use"
                  + " kind: numeric for numbers");
        }
      }
    }
  }
}
