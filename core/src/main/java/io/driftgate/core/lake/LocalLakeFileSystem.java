package io.driftgate.core.lake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's raw local file system for a local lake warehouse, setting permissions in-process.
 * Without Hadoop's native library, {@link RawLocalFileSystem} forks a {@code chmod} process for
 * every file and folder it creates: one per data file, hundreds per ingest commit with hourly
 * partitions. Raw (no {@code .crc} side files, like the artifact store): Parquet and Iceberg
 * metadata carry their own checksums, and files without a {@code .crc} read the same through the
 * checksummed local file system.
 */
public final class LocalLakeFileSystem extends RawLocalFileSystem {
  /** The Hadoop configuration of a catalog whose warehouse is a local folder. */
  public static org.apache.hadoop.conf.Configuration configuration() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.set("fs.file.impl", LocalLakeFileSystem.class.getName());
    // Not from the process-wide cache, whose "file" instance may be another implementation.
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    if (NativeIO.isAvailable() || permission.getStickyBit()) {
      super.setPermission(p, permission);
      return;
    }
    try {
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): Hadoop's own way.
      super.setPermission(p, permission);
    }
  }

  static Set<PosixFilePermission> posix(FsPermission permission) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    add(
        out,
        permission.getUserAction(),
        PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE);
    add(
        out,
        permission.getGroupAction(),
        PosixFilePermission.GROUP_READ,
        PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE);
    add(
        out,
        permission.getOtherAction(),
        PosixFilePermission.OTHERS_READ,
        PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE);
    return out;
  }

  private static void add(
      Set<PosixFilePermission> out,
      FsAction action,
      PosixFilePermission read,
      PosixFilePermission write,
      PosixFilePermission execute) {
    if (action.implies(FsAction.READ)) {
      out.add(read);
    }
    if (action.implies(FsAction.WRITE)) {
      out.add(write);
    }
    if (action.implies(FsAction.EXECUTE)) {
      out.add(execute);
    }
  }
}
