package io.driftgate.demo;

import io.driftgate.testkit.datasets.CorpusStream;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.ProgressListener;
import io.driftgate.testkit.kafka.StreamProducer;

/**
 * The records the demo produces: the flight generator's ({@link #of(GeneratorConfig)}) or an
 * example corpus's ({@link #of(CorpusStream)}), with what the demo prints about them (event times,
 * the drift onset). Record {@code i} depends only on the stream's seed and {@code i}, so the demo
 * can produce it in parts ({@link #slice}).
 */
public interface DemoStream {

  /** Index of the first record. */
  long firstIndex();

  /** Records in the stream. */
  long count();

  /** Event time of record 0. */
  long startTimeMillis();

  /** Event time between records. */
  long eventSpacingMillis();

  /** Index of the first drifted record, or -1 when the stream does not drift. */
  long driftAt();

  /** Share of records that are invalid on purpose. */
  double malformedFraction();

  /** Records {@code [from, from + count)} of the same stream. */
  DemoStream slice(long from, long count);

  /** Sends the stream's records to {@code topic} as fast as possible. */
  ProduceResult produce(String bootstrapServers, String topic, ProgressListener listener);

  /** Event time of record {@code index}. */
  default long eventTimeMillis(long index) {
    return startTimeMillis() + index * eventSpacingMillis();
  }

  /** The flight generator's stream. */
  static DemoStream of(GeneratorConfig generator) {
    return new Flights(generator);
  }

  /** A corpus stream (image or text example), its invalid share as {@code invalidFraction}. */
  static DemoStream of(CorpusStream stream, double invalidFraction) {
    return new Corpus(stream, 0, stream.config().count(), invalidFraction);
  }

  /** The flight generator's stream. */
  record Flights(GeneratorConfig generator) implements DemoStream {
    @Override
    public long firstIndex() {
      return generator.firstIndex();
    }

    @Override
    public long count() {
      return generator.count();
    }

    @Override
    public long startTimeMillis() {
      return generator.startTimeMillis();
    }

    @Override
    public long eventSpacingMillis() {
      return generator.eventSpacingMillis();
    }

    @Override
    public long driftAt() {
      return generator.drift() == null ? -1 : generator.drift().startAt();
    }

    @Override
    public double malformedFraction() {
      return generator.malformedFraction();
    }

    @Override
    public DemoStream slice(long from, long count) {
      return new Flights(generator.toBuilder().firstIndex(from).count(count).build());
    }

    @Override
    public ProduceResult produce(String bootstrapServers, String topic, ProgressListener l) {
      return StreamProducer.produce(bootstrapServers, topic, generator, 0, l);
    }
  }

  /** Records {@code [from, to)} of a corpus stream. */
  record Corpus(CorpusStream stream, long from, long to, double invalidFraction)
      implements DemoStream {
    public Corpus {
      if (from < 0 || to < from || to > stream.config().count()) {
        throw new IllegalArgumentException(
            "records [" + from + ", " + to + ") are not inside the stream's " + stream.config());
      }
    }

    @Override
    public long firstIndex() {
      return from;
    }

    @Override
    public long count() {
      return to - from;
    }

    @Override
    public long startTimeMillis() {
      return stream.config().startMillis();
    }

    @Override
    public long eventSpacingMillis() {
      return stream.config().stepMillis();
    }

    @Override
    public long driftAt() {
      long at = stream.config().changeAt();
      return at < stream.config().count() ? at : -1;
    }

    @Override
    public double malformedFraction() {
      return invalidFraction;
    }

    @Override
    public DemoStream slice(long first, long count) {
      return new Corpus(stream, first, first + count, invalidFraction);
    }

    @Override
    public ProduceResult produce(String bootstrapServers, String topic, ProgressListener l) {
      return StreamProducer.produce(bootstrapServers, topic, stream.range(from, to), count(), 0, l);
    }
  }
}
