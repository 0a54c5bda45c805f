package io.inkstream.sink;

import io.inkstream.contract.prediction.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The sink's meters; the consumer's own (lag among them) are bound beside them by the service. */
final class SinkMetrics {
    private final MeterRegistry registry;
    private final Counter written;
    private final Counter retries;
    private final Timer writeLatency;
    /**
     * Model versions with live-accuracy counters of their own: the {@value} written to most recently. A prediction names
     * its model, and whoever may write the predictions topic could name millions (each a pair of meters, kept until the
     * process ends, and lines in every scrape); the version written to least recently gives its meters up, and counts
     * from 0 again if it comes back, which Prometheus' {@code rate()} reads as a counter reset.
     */
    static final int MODELS_METERED = 32;

    /** By model version: its right and wrong counters, the version written to least recently first. Guarded by itself. */
    private final Map<String, Counter[]> labelled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Counter[]> eldest) {
            if (size() <= MODELS_METERED) {
                return false;
            }
            for (Counter counter : eldest.getValue()) {
                registry.remove(counter);
            }
            return true;
        }
    };

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.written = Counter.builder("inkstream.sink.predictions.written")
                .description("Predictions written to both tables; its rate is rows/s per table").register(registry);
        this.retries = Counter.builder("inkstream.sink.write.retries").description("Writes retried after a timeout or an unavailable node")
                .register(registry);
        this.writeLatency = Timer.builder("inkstream.sink.write.latency").description("Time of one prediction's write")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** @param prediction what was written, or null for an image's failure */
    void written(Prediction prediction, long nanos) {
        written.increment();
        writeLatency.record(nanos, TimeUnit.NANOSECONDS);
        if (prediction != null && prediction.trueLabel() != null) {
            // Live accuracy per model: right / labelled over any window, from the rows as they are stored. A prediction
            // written again after a crash counts again, so a window with a sink restart leans a little that way.
            Counter counter;
            synchronized (labelled) {
                counter = labelled.computeIfAbsent(prediction.modelVersion(), model -> new Counter[] {labelledCounter(model, false),
                        labelledCounter(model, true)})[prediction.correct() ? 1 : 0];
            }
            counter.increment();
        }
    }

    private Counter labelledCounter(String model, boolean correct) {
        return Counter.builder("inkstream.sink.predictions.labelled").description("Predictions written whose true label was known")
                .tag("model", model).tag("correct", Boolean.toString(correct)).register(registry);
    }

    /** @param outcome {@code applied} (its rows written) or {@code invalid} (skipped: not a correction) */
    void correction(String outcome) {
        Counter.builder("inkstream.sink.corrections").description("Corrections read from the corrections topic").tag("outcome", outcome)
                .register(registry).increment();
    }

    void retried(int count) {
        retries.increment(count);
    }

    void deadLetter(String stage) {
        Counter.builder("inkstream.sink.dead.letters").description("Records sent to predictions.dlq").tag("stage", stage)
                .register(registry).increment();
    }
}
