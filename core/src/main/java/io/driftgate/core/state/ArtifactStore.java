package io.driftgate.core.state;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * The control plane's object store ({@code state.artifacts}): model files, manifests, gate
 * decisions. A local folder or a {@code gs://bucket/prefix}, written and read through Iceberg's
 * {@link FileIO} (the lake's: {@link HadoopFileIO} for a folder, {@code GCSFileIO} for Cloud
 * Storage).
 *
 * <p>Only whole objects are written, each once: no rename, append, link or lock, so a bucket
 * mounted without those (Cloud Storage FUSE) or reached through its API behaves the same as a
 * folder. Keys are '/'-separated paths under the root; {@link #blobKey} names content-addressed
 * objects by their sha256, so writing one twice writes the same bytes.
 */
public final class ArtifactStore implements AutoCloseable {
  /** Prefix of the content-addressed objects. */
  public static final String BLOBS = "blobs/sha256/";

  private static final String GCS_FILE_IO = "org.apache.iceberg.gcp.gcs.GCSFileIO";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._:-]+)*");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private final String root;
  private final FileIO io;

  /**
   * A store on {@code io} under {@code root} (tests: a {@code GCSFileIO} on a fake Cloud Storage).
   */
  public ArtifactStore(String root, FileIO io) {
    Objects.requireNonNull(root, "root");
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    this.io = Objects.requireNonNull(io, "io");
    if (!(io instanceof SupportsPrefixOperations)) {
      throw new IllegalArgumentException(
          io.getClass().getName() + " cannot list objects (no SupportsPrefixOperations)");
    }
  }

  /**
   * The store at {@code root}: {@code gs://bucket/prefix} through {@code GCSFileIO} (application
   * default credentials), anything else a local folder (created when missing).
   */
  public static ArtifactStore open(String root) {
    return open(root, Map.of());
  }

  /**
   * The store of a spec's {@code state.artifacts}, with the object storage settings of its lake
   * ({@code io-impl} and {@code gcs.*} of {@code lake.catalog.properties}: the same bucket
   * configuration reaches the warehouse and the artifacts).
   */
  public static ArtifactStore open(io.driftgate.core.spec.ModelSpec spec) {
    Map<String, String> io = new java.util.TreeMap<>();
    if (spec.lake().hasConfiguredCatalog()) {
      spec.lake()
          .catalog()
          .properties()
          .forEach(
              (k, v) -> {
                if (k.equals(IO_IMPL) || k.startsWith("gcs.")) {
                  io.put(k, v);
                }
              });
    }
    return open(spec.state().artifacts(), io);
  }

  /** Iceberg's catalog property naming the FileIO class. */
  public static final String IO_IMPL = "io-impl";

  /**
   * The store at {@code root}; a {@code gs://} root's FileIO gets {@code ioProperties} ({@value
   * #IO_IMPL} names another FileIO than {@code GCSFileIO}, e.g. one on a fake of Cloud Storage).
   */
  public static ArtifactStore open(String root, Map<String, String> ioProperties) {
    Objects.requireNonNull(root, "state.artifacts");
    if (root.startsWith("gs://")) {
      return new ArtifactStore(
          root,
          CatalogUtil.loadFileIO(
              ioProperties.getOrDefault(IO_IMPL, GCS_FILE_IO), ioProperties, null));
    }
    if (root.contains("://") && !root.startsWith("file://")) {
      throw new IllegalArgumentException(
          "state.artifacts: '" + root + "' is neither a folder nor gs://bucket/prefix");
    }
    Path dir = Path.of(root.startsWith("file://") ? root.substring("file://".length()) : root);
    dir = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StateStoreException("cannot create the artifact store folder " + dir, e);
    }
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    // The raw local file system: no .crc side files, and a file is written where it is named.
    conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return new ArtifactStore(dir.toString(), new HadoopFileIO(conf));
  }

  /** The root: a folder or {@code gs://bucket/prefix}, without a trailing '/'. */
  public String root() {
    return root;
  }

  public boolean isLocal() {
    return !root.contains("://");
  }

  /** The location of a key: {@code root + "/" + key}. */
  public String location(String key) {
    checkKey(key);
    return root + "/" + key;
  }

  /** The key of the content-addressed object with this sha256. */
  public static String blobKey(String sha256) {
    if (sha256 == null || !HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return BLOBS + sha256.substring(0, 2) + "/" + sha256;
  }

  /** The sha256 a {@link #blobKey} names, or null for another key. */
  public static String blobSha256(String key) {
    if (!key.startsWith(BLOBS)) {
      return null;
    }
    String name = key.substring(key.lastIndexOf('/') + 1);
    return HEX64.matcher(name).matches() && key.equals(blobKey(name)) ? name : null;
  }

  public boolean exists(String key) {
    return io.newInputFile(location(key)).exists();
  }

  /** The object's size, or -1 when there is none. */
  public long length(String key) {
    InputFile in = io.newInputFile(location(key));
    try {
      return in.exists() ? in.getLength() : -1;
    } catch (NotFoundException e) {
      return -1;
    }
  }

  /**
   * Writes {@code file} as the content-addressed object of its sha256 ({@link #blobKey}) unless an
   * object of its size is there (the same bytes). A shorter or longer object there is a torn write
   * of a local folder (Cloud Storage objects appear whole) and is written again.
   *
   * @param sha256 the file's sha256 as hashed before; the bytes written are hashed again and an
   *     object whose bytes do not match (the file changed meanwhile) is deleted and refused
   * @return whether it was written
   * @throws IllegalStateException when the file's bytes no longer hash to {@code sha256}
   */
  public boolean putBlob(Path file, String sha256) {
    String key = blobKey(sha256);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    long there = length(key);
    if (there == size) {
      return false;
    }
    MessageDigest md = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      write(key, in, there >= 0);
    } catch (IOException e) {
      throw new StateStoreException(
          "cannot write " + location(key) + " to the artifact store: " + e.getMessage(), e);
    }
    String written = HexFormat.of().formatHex(md.digest());
    if (!written.equals(sha256)) {
      delete(key);
      throw new IllegalStateException(
          file + " changed while it was stored: sha256 " + sha256 + " before, " + written + " now");
    }
    return true;
  }

  /** {@link #putIfAbsent(String, Path)} for bytes in memory. */
  public boolean putIfAbsent(String key, byte[] bytes) {
    long there = length(key);
    if (there == bytes.length) {
      return false;
    }
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      write(key, in, there >= 0);
    } catch (IOException e) {
      throw new StateStoreException(
          "cannot write " + location(key) + " to the artifact store: " + e.getMessage(), e);
    }
    return true;
  }

  /**
   * Writes an object as a whole, replacing one that is there: for objects that change, as a trial's
   * heartbeat, its metrics so far and its status. Cloud Storage replaces an object at once; in a
   * folder the file is rewritten in place (readers of such objects tolerate a torn one).
   */
  public void put(String key, byte[] bytes) {
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      write(key, in, true);
    } catch (IOException e) {
      throw new StateStoreException(
          "cannot write " + location(key) + " to the artifact store: " + e.getMessage(), e);
    }
  }

  /** {@link #put(String, byte[])} of a file's content. */
  public void putFile(String key, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      write(key, in, true);
    } catch (IOException e) {
      throw new StateStoreException(
          "cannot write " + file + " to " + location(key) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a new object; refuses a key that is taken.
   *
   * @throws AlreadyExistsException when the key is taken
   */
  public void create(String key, byte[] bytes) {
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      write(key, in, false);
    } catch (IOException e) {
      throw new StateStoreException(
          "cannot write " + location(key) + " to the artifact store: " + e.getMessage(), e);
    }
  }

  private void write(String key, InputStream in, boolean overwrite) throws IOException {
    var out = io.newOutputFile(location(key));
    try (OutputStream os = overwrite ? out.createOrOverwrite() : create(out)) {
      in.transferTo(os);
    }
  }

  private static OutputStream create(org.apache.iceberg.io.OutputFile out) {
    try {
      return out.create();
    } catch (AlreadyExistsException e) {
      throw e;
    } catch (UncheckedIOException e) {
      // HadoopFileIO reports an existing file as an IOException from FileSystem.create.
      if (e.getCause() instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
        throw new AlreadyExistsException(e, "Location already exists: %s", out.location());
      }
      throw e;
    }
  }

  /** Opens an object for reading. */
  public InputStream openStream(String key) {
    try {
      return io.newInputFile(location(key)).newStream();
    } catch (NotFoundException e) {
      throw new java.util.NoSuchElementException("no object " + location(key));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof FileNotFoundException) {
        throw new java.util.NoSuchElementException("no object " + location(key));
      }
      throw e;
    }
  }

  /**
   * An object's bytes.
   *
   * @throws java.util.NoSuchElementException when there is no such object
   */
  public byte[] read(String key) {
    try (InputStream in = openStream(key)) {
      return in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      throw readFailure(key, e, null);
    }
  }

  /** A missing object (some FileIOs only notice on the first read) or another failure. */
  private RuntimeException readFailure(String key, Exception e, Path target) {
    if (e instanceof java.util.NoSuchElementException n) {
      return n;
    }
    if (!exists(key)) {
      return new java.util.NoSuchElementException("no object " + location(key));
    }
    return new StateStoreException(
        "cannot read "
            + location(key)
            + (target == null ? "" : " into " + target)
            + ": "
            + e.getMessage(),
        e);
  }

  /**
   * Copies an object to a local file and returns the sha256 (hex) of what was copied.
   *
   * @throws java.util.NoSuchElementException when there is no such object
   */
  public String copyTo(String key, Path target) {
    MessageDigest md = sha256Digest();
    try (InputStream in = new DigestInputStream(openStream(key), md);
        OutputStream out = Files.newOutputStream(target)) {
      in.transferTo(out);
    } catch (IOException | RuntimeException e) {
      throw readFailure(key, e, target);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Copies the objects under {@code prefix/} whose path below it {@code relative} accepts into the
   * same paths under {@code target}.
   *
   * @return how many were copied
   */
  public int getFolder(String prefix, Path target, java.util.function.Predicate<String> relative) {
    int n = 0;
    for (StoredObject o : list(prefix + "/")) {
      String rel = o.key().substring(prefix.length() + 1);
      if (!relative.test(rel)) {
        continue;
      }
      Path file = target.resolve(rel).normalize();
      if (!file.startsWith(target.normalize())) {
        throw new IllegalStateException("object key escapes " + target + ": " + o.key());
      }
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      copyTo(o.key(), file);
      n++;
    }
    return n;
  }

  /** One stored object. */
  public record StoredObject(String key, long size, long createdAtMillis) {}

  /** The objects whose keys start with {@code prefix} (a folder-like prefix ending in '/'). */
  public List<StoredObject> list(String prefix) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("list a folder-like prefix ending in '/': " + prefix);
    }
    String base = root + "/" + prefix;
    List<StoredObject> out = new ArrayList<>();
    if (isLocal() && !Files.isDirectory(Path.of(base))) {
      return out;
    }
    String rootPrefix = root + "/";
    try {
      for (FileInfo f : ((SupportsPrefixOperations) io).listPrefix(base)) {
        String loc = f.location();
        // HadoopFileIO lists file:/path/..., GCSFileIO gs://bucket/prefix/...
        int at = loc.indexOf(rootPrefix);
        if (at < 0) {
          continue;
        }
        out.add(
            new StoredObject(
                loc.substring(at + rootPrefix.length()), f.size(), f.createdAtMillis()));
      }
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof FileNotFoundException) {
        return out;
      }
      throw e;
    }
    out.sort(java.util.Comparator.comparing(StoredObject::key));
    return out;
  }

  /** Deletes an object (none there: nothing happens). */
  public void delete(String key) {
    io.deleteFile(location(key));
  }

  /** The store's {@link FileIO}. */
  public FileIO io() {
    return io;
  }

  @Override
  public void close() {
    io.close();
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static void checkKey(String key) {
    if (key == null
        || !KEY.matcher(key).matches()
        || key.contains("/../")
        || key.startsWith("..")) {
      throw new IllegalArgumentException("bad object key '" + key + "'");
    }
  }
}
