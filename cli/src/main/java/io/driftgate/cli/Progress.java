package io.driftgate.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command (produce, ingest, train, tune) on stderr, so stdout stays the
 * command's result (and its {@code --json} parses): a redrawn bar when attached to a terminal,
 * plain periodic lines otherwise (a log or a pipe never gets carriage returns).
 */
public abstract class Progress implements AutoCloseable {
  /** How often the plain form prints a line. */
  public static final Duration LINE_INTERVAL = Duration.ofSeconds(10);

  /** Progress of {@code task}, counted in {@code unit}s of {@code total} (0: unknown). */
  public static Progress start(String task, String unit, long total) {
    if (System.console() != null) {
      return new Bar(task, unit, total);
    }
    return new Lines(System.err, task, unit, total, LINE_INTERVAL, System::nanoTime);
  }

  /** Sets how many units are done (monotonic; callers may report from any thread). */
  public abstract void stepTo(long done);

  /** Ends the progress display (prints the last line). */
  @Override
  public abstract void close();

  /**
   * Calls {@code poll} every {@code period} on a daemon thread and reports what it returns (for
   * work that reports nothing itself: trials of a study, rows of the lake); stops on close. A
   * failing poll is skipped: progress is a view, never a reason to fail the command.
   */
  public Poll poll(LongSupplier poll, Duration period) {
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "driftgate-progress");
              t.setDaemon(true);
              return t;
            });
    s.scheduleWithFixedDelay(
        () -> {
          try {
            stepTo(poll.getAsLong());
          } catch (RuntimeException e) {
            // the next poll tries again
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return s::shutdownNow;
  }

  /** A running poll; closing it stops it (and throws nothing). */
  public interface Poll extends AutoCloseable {
    @Override
    void close();
  }

  /** The terminal form: me.tongfei's progress bar. */
  static final class Bar extends Progress {
    private final ProgressBar bar;

    Bar(String task, String unit, long total) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(total > 0 ? total : -1)
              .setUnit(" " + unit, 1)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(System.err))
              .setUpdateIntervalMillis(200)
              .showSpeed()
              .build();
    }

    @Override
    public synchronized void stepTo(long done) {
      if (done > bar.getCurrent()) {
        bar.stepTo(done);
      }
    }

    @Override
    public synchronized void close() {
      bar.close();
    }
  }

  /** The plain form: one line per interval, and one at the end. */
  public static final class Lines extends Progress {
    private final PrintStream out;
    private final String task;
    private final String unit;
    private final long total;
    private final long intervalNanos;
    private final LongSupplier nanos;
    private final long start;
    private long last;
    private long done;
    private boolean closed;

    public Lines(
        PrintStream out,
        String task,
        String unit,
        long total,
        Duration interval,
        LongSupplier nanos) {
      this.out = out;
      this.task = task;
      this.unit = unit;
      this.total = total;
      this.intervalNanos = interval.toNanos();
      this.nanos = nanos;
      this.start = nanos.getAsLong();
      this.last = start;
    }

    @Override
    public synchronized void stepTo(long n) {
      if (closed || n <= done) {
        return;
      }
      done = n;
      long now = nanos.getAsLong();
      if (now - last >= intervalNanos) {
        last = now;
        out.println(line(now, ""));
      }
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        out.println(line(nanos.getAsLong(), " done"));
      }
    }

    private String line(long now, String suffix) {
      double seconds = (now - start) / 1e9;
      String of =
          total > 0
              ? String.format(
                  Locale.ROOT, "%d/%d %s (%.0f%%)", done, total, unit, 100.0 * done / total)
              : done + " " + unit;
      return String.format(Locale.ROOT, "%s: %s%s, %.1f s", task, of, suffix, seconds);
    }
  }
}
