package io.driftgate.streaming.scoring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model that scores right now: asks {@link Lookup} where the champion alias points at most
 * every {@code poll}, and when it moved, loads the new version and closes the old one, so a running
 * job follows promotions without a restart. No champion: nothing to score. A lookup or load that
 * fails keeps the current model (the registry may be briefly unreachable; a broken version must not
 * stop ingestion) and is tried again at the next poll.
 */
public final class ChampionScorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChampionScorer.class);

  /**
   * A loaded model: class probabilities for rows of feature name to value, one per row (of class 1)
   * for a binary model, row-major {@code rows x classes()} for a multiclass one.
   */
  public interface Model extends AutoCloseable {
    float[] predict(List<? extends Map<String, ?>> rows);

    /** 2 for a binary model, else its number of classes. */
    default int classes() {
      return 2;
    }

    /** The version's validation metrics by name (empty when unknown). */
    Map<String, Double> validation();

    @Override
    void close();
  }

  /** Where the champion points, and a version's local directory. */
  public interface Lookup {
    Optional<String> champion();

    Path load(String versionId);
  }

  private final Lookup lookup;
  private final Function<Path, Model> loader;
  private final long pollNanos;
  private final LongSupplier nanoTime;
  private long lastPoll;
  private boolean polled;
  private String version;
  private Model model;

  public ChampionScorer(
      Lookup lookup, Function<Path, Model> loader, Duration poll, LongSupplier nanoTime) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.pollNanos = poll.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Polls the registry when a poll is due.
   *
   * @return true when the scoring version changed
   */
  public boolean refresh() {
    long now = nanoTime.getAsLong();
    if (polled && now - lastPoll < pollNanos) {
      return false;
    }
    polled = true;
    lastPoll = now;
    Optional<String> champion;
    try {
      champion = lookup.champion();
    } catch (RuntimeException e) {
      LOG.warn("could not look up the champion; scoring stays with {}: {}", version, e.toString());
      return false;
    }
    if (champion.isEmpty() || champion.get().equals(version)) {
      return false;
    }
    Model next;
    try {
      next = loader.apply(lookup.load(champion.get()));
    } catch (RuntimeException e) {
      LOG.error(
          "could not load champion {}; scoring stays with {}: {}",
          champion.get(),
          version,
          e.toString());
      return false;
    }
    LOG.info("scoring with champion {} (was {})", champion.get(), version);
    Model old = model;
    model = next;
    version = champion.get();
    if (old != null) {
      old.close();
    }
    return true;
  }

  /** The version that scores now, or empty when there is no champion (yet). */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /** The current model's validation metrics (empty without a champion). */
  public Map<String, Double> validation() {
    return model == null ? Map.of() : model.validation();
  }

  /** The current model's classes: 2 for a binary model (call only with a champion). */
  public int classes() {
    if (model == null) {
      throw new IllegalStateException("no champion to score with");
    }
    return model.classes();
  }

  /**
   * Scores rows with the current model ({@link Model#predict}: one probability per row for a binary
   * model, {@link #classes()} per row otherwise); call only when {@link #version()} is present.
   */
  public float[] score(List<? extends Map<String, ?>> rows) {
    if (model == null) {
      throw new IllegalStateException("no champion to score with");
    }
    return model.predict(rows);
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
      model = null;
      version = null;
    }
  }
}
