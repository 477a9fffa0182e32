package io.driftgate.core.tune;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Launches a trial as a thread of this JVM instead of a child JVM ({@link JavaTrialLauncher}): for
 * a local launcher whose JVM already has the trainer loaded and warm (DJL's native library, the
 * lake's classes, JIT-compiled code), where a child JVM per trial spends far longer starting than
 * training a small model. The trial writes the same files (heartbeat, metrics.jsonl, status.json)
 * and the same supervisor watches it; its log goes to {@code <trial>/trial.log}.
 *
 * <p>What a thread cannot do: be killed. {@link Process#destroyForcibly()} interrupts it (a trial
 * checks for interruption at every epoch); a trial that ignores the interrupt keeps running until
 * it ends by itself. It also shares the JVM's heap and engine settings (no per-trial {@code -Xmx}
 * or thread count) and must not call {@code System.exit}. Child JVMs stay the default; this is an
 * option for small, trusted studies (the demo).
 */
public final class InProcessTrialLauncher implements TrialLauncher {

  /** A trial's body: runs trial {@code index} of the study, logging to {@code log}. */
  @FunctionalInterface
  public interface Body {
    /**
     * @return the trial's exit status, as a trial process would (0 completed or pruned)
     */
    int run(int index, Path studyDir, PrintStream log) throws Exception;
  }

  private final Body body;

  public InProcessTrialLauncher(Body body) {
    this.body = Objects.requireNonNull(body, "body");
  }

  @Override
  public Process launch(int index, Path studyDir) throws IOException {
    Path log = StudyFiles.log(studyDir, index);
    Files.createDirectories(log.getParent());
    PrintStream out =
        new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8);
    TrialThread t = new TrialThread(index, studyDir, body, out);
    t.thread.start();
    return t;
  }

  /** A running trial thread, seen by the supervisor as a process without a pid. */
  static final class TrialThread extends Process {
    private final Thread thread;
    private volatile int exit = -1;

    TrialThread(int index, Path studyDir, Body body, PrintStream log) {
      this.thread =
          new Thread(
              () -> {
                try {
                  exit = body.run(index, studyDir, log);
                } catch (Throwable e) { // the trial's failure, not the launcher's
                  e.printStackTrace(log);
                  exit = 1;
                } finally {
                  log.close();
                }
              },
              "trial-" + index);
      thread.setDaemon(true);
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
      thread.join();
      return exit;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
      thread.join(Math.max(1, unit.toMillis(timeout)));
      return !thread.isAlive();
    }

    @Override
    public int exitValue() {
      if (thread.isAlive()) {
        throw new IllegalThreadStateException("trial thread " + thread.getName() + " is running");
      }
      return exit;
    }

    @Override
    public boolean isAlive() {
      return thread.isAlive();
    }

    @Override
    public void destroy() {
      thread.interrupt();
    }

    @Override
    public Process destroyForcibly() {
      thread.interrupt();
      return this;
    }

    /** A thread has no child processes. */
    @Override
    public Stream<ProcessHandle> descendants() {
      return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
      return Stream.empty();
    }

    @Override
    public String toString() {
      return "thread " + thread.getName();
    }
  }
}
