package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.testkit.lake.CommittedLakes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLakeFileSystemTest {
  @TempDir Path root;

  @Test
  void permissionsMapOneToOne() {
    assertThat(PosixFilePermissions.toString(LocalLakeFileSystem.posix(new FsPermission(0644))))
        .isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(LocalLakeFileSystem.posix(new FsPermission(0755))))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(LocalLakeFileSystem.posix(new FsPermission(0600))))
        .isEqualTo("rw-------");
  }

  @Test
  void anEmbeddedLakeIsWrittenWithoutChecksumSideFilesAndReadsBack() throws IOException {
    CommittedLakes.of(Path.of("../examples/flight-delay/driftgate.yaml")).count(200).write(root);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root.resolve(LakeCatalog.EMBEDDED_WAREHOUSE))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).anyMatch(f -> f.toString().endsWith(".parquet"));
    assertThat(files).noneMatch(f -> f.getFileName().toString().endsWith(".crc"));
    for (Path f : files) {
      assertThat(Files.isReadable(f)).as(f.toString()).isTrue();
    }
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.rows() + lake.deadLetters()).isEqualTo(200);
    }
  }
}
