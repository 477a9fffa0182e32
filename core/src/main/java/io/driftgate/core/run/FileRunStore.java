package io.driftgate.core.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One JSON file per run under a directory: {@code <readable key>-<hash>.json}. Writes go to a
 * temporary file that is moved into place atomically, so a crash leaves the old or the new version,
 * never a torn one. {@link #create} links the new file into place, which fails when the key exists,
 * so two launchers on one directory never both create a run for a key.
 */
public final class FileRunStore implements RunStore {
  private static final String SUFFIX = ".json";
  private final Path dir;

  public FileRunStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create runs directory " + this.dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** The file of a key. */
  public Path file(String key) {
    String readable = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
    if (readable.length() > 80) {
      readable = readable.substring(0, 80);
    }
    return dir.resolve(readable + "-" + sha256(key).substring(0, 12) + SUFFIX);
  }

  @Override
  public synchronized boolean create(RetrainRun run) {
    Path target = file(run.key());
    if (Files.exists(target)) {
      return false;
    }
    Path tmp = null;
    try {
      tmp = temp(run);
      try {
        Files.createLink(target, tmp);
      } catch (UnsupportedOperationException | SecurityException e) {
        Files.move(tmp, target); // no hard links: not atomic against another process
        tmp = null;
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write run " + run.key() + " to " + target, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  @Override
  public synchronized void save(RetrainRun run) {
    Path target = file(run.key());
    Path tmp = null;
    try {
      tmp = temp(run);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write run " + run.key() + " to " + target, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  @Override
  public Optional<RetrainRun> get(String key) {
    Path f = file(key);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    return Optional.of(read(f));
  }

  @Override
  public List<RetrainRun> list() {
    List<RetrainRun> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
        out.add(read(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list runs in " + dir, e);
    }
    out.sort(Comparator.comparing(RetrainRun::createdAt).thenComparing(RetrainRun::key));
    return out;
  }

  private Path temp(RetrainRun run) throws IOException {
    Path tmp = Files.createTempFile(dir, ".run-", ".tmp");
    Files.writeString(tmp, RunJson.write(run), StandardCharsets.UTF_8);
    return tmp;
  }

  private static RetrainRun read(Path f) {
    try {
      return RunJson.read(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read run file " + f, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("run file " + f + " is corrupt: " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
