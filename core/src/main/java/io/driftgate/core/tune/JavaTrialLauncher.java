package io.driftgate.core.tune;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Launches a trial as a child JVM: {@code java @<trial>/jvm.args <mainClass> --trial <i> --study
 * <dir>}. The argument file holds the JVM flags and {@code -cp <classpath>} (a classpath can be far
 * longer than a command line may be). By default the classpath is the current JVM's and the current
 * JVM's {@code --add-opens}/{@code --add-exports}/{@code --add-modules} flags are passed on. Output
 * goes to {@code <trial>/trial.log}.
 */
public final class JavaTrialLauncher implements TrialLauncher {
  private final String mainClass;
  private final String classpath;
  private final List<String> jvmFlags;
  private final List<String> extraArgs;
  private final Path java;
  private final Map<String, String> environment;

  private JavaTrialLauncher(Builder b) {
    this.mainClass = b.mainClass;
    this.classpath = b.classpath;
    List<String> flags = new ArrayList<>();
    if (b.inheritModuleFlags) {
      flags.addAll(currentJvmModuleFlags());
    }
    flags.addAll(b.jvmFlags);
    this.jvmFlags = List.copyOf(flags);
    this.extraArgs = List.copyOf(b.extraArgs);
    this.java = b.java;
    this.environment = Map.copyOf(b.environment);
  }

  public static Builder builder(String mainClass) {
    return new Builder(mainClass);
  }

  /** A launcher for {@code mainClass} with the current JVM's classpath and module flags. */
  public static JavaTrialLauncher of(Class<?> mainClass, String... jvmFlags) {
    return builder(mainClass.getName()).jvmFlags(List.of(jvmFlags)).build();
  }

  /** The JVM flags in the argument file (module flags first). */
  public List<String> jvmFlags() {
    return jvmFlags;
  }

  /**
   * Writes {@code <trial>/jvm.args} and returns the command line for the trial.
   *
   * @throws IOException when the argument file cannot be written
   */
  public List<String> command(int index, Path studyDir) throws IOException {
    Path dir = StudyFiles.trialDir(studyDir, index);
    Files.createDirectories(dir);
    List<String> fileArgs = new ArrayList<>(jvmFlags);
    fileArgs.add("-cp");
    fileArgs.add(classpath);
    StringBuilder sb = new StringBuilder();
    for (String a : fileArgs) {
      sb.append(quote(a)).append('\n');
    }
    Path argFile = dir.resolve("jvm.args").toAbsolutePath();
    StudyFiles.writeAtomic(argFile, sb.toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.add("@" + argFile);
    cmd.add(mainClass);
    cmd.add("--trial");
    cmd.add(Integer.toString(index));
    cmd.add("--study");
    cmd.add(studyDir.toAbsolutePath().toString());
    cmd.addAll(extraArgs);
    return cmd;
  }

  @Override
  public Process launch(int index, Path studyDir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(index, studyDir));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(StudyFiles.log(studyDir, index).toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(nullFile()));
    pb.environment().putAll(environment);
    return pb.start();
  }

  private static java.io.File nullFile() {
    return new java.io.File(
        System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** The current JVM's {@code --add-opens}, {@code --add-exports} and {@code --add-modules}. */
  public static List<String> currentJvmModuleFlags() {
    List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      String a = in.get(i);
      for (String f : List.of("--add-opens", "--add-exports", "--add-modules", "--add-reads")) {
        if (a.startsWith(f + "=")) {
          out.add(a);
        } else if (a.equals(f) && i + 1 < in.size()) {
          out.add(f + "=" + in.get(++i));
        }
      }
    }
    return out;
  }

  /** Quotes an @argfile token: double quotes, backslash and quote escaped. */
  static String quote(String arg) {
    return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Builder; see {@link JavaTrialLauncher}. */
  public static final class Builder {
    private final String mainClass;
    private String classpath = System.getProperty("java.class.path");
    private final List<String> jvmFlags = new ArrayList<>();
    private final List<String> extraArgs = new ArrayList<>();
    private boolean inheritModuleFlags = true;
    private Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(String mainClass) {
      if (mainClass == null || mainClass.isBlank()) {
        throw new IllegalArgumentException("a trial launcher needs a main class");
      }
      this.mainClass = mainClass;
    }

    public Builder classpath(String v) {
      classpath = v;
      return this;
    }

    /** Extra JVM flags such as {@code -Xmx2g}, after the inherited module flags. */
    public Builder jvmFlags(List<String> v) {
      jvmFlags.addAll(v);
      return this;
    }

    /** Whether to pass on the current JVM's module flags (default true). */
    public Builder inheritModuleFlags(boolean v) {
      inheritModuleFlags = v;
      return this;
    }

    /** Arguments after {@code --trial <i> --study <dir>}. */
    public Builder extraArgs(List<String> v) {
      extraArgs.addAll(v);
      return this;
    }

    public Builder java(Path v) {
      java = v;
      return this;
    }

    public Builder environment(Map<String, String> v) {
      environment.putAll(v);
      return this;
    }

    public JavaTrialLauncher build() {
      return new JavaTrialLauncher(this);
    }
  }
}
