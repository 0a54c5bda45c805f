package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.contract.prediction.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SinkMetricsTest {
    private static final String LABELLED = "inkstream.sink.predictions.labelled";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry);

    @Test
    void countsEachModelsRightAndWrongLabelledPredictions() {
        metrics.written(labelled("v3-3e4d1ee016f4", 7, 7), 1_000);
        metrics.written(labelled("v3-3e4d1ee016f4", 7, 1), 1_000);
        metrics.written(labelled("v3-3e4d1ee016f4", 4, 4), 1_000);
        metrics.written(new Prediction(Prediction.SCHEMA, "unlabelled", "v3-3e4d1ee016f4", 4, 0.9f, null, null, null, null,
                Instant.now()), 1_000);

        assertThat(count("v3-3e4d1ee016f4", true)).isEqualTo(2);
        assertThat(count("v3-3e4d1ee016f4", false)).isEqualTo(1);
    }

    /**
     * Whoever may write the predictions topic can name any number of models; each used to keep a pair of counters for as
     * long as the sink ran (10,000 versions: 20,000 meters, every one in every scrape).
     */
    @Test
    void keepsCountersForTheModelsWrittenToMostRecentlyOnly() {
        metrics.written(labelled("v3-3e4d1ee016f4", 7, 7), 1_000);
        for (int i = 0; i < 10_000; i++) {
            metrics.written(labelled("forged-" + i, 1, 2), 1_000);
            if (i % 10 == 0) {
                metrics.written(labelled("v3-3e4d1ee016f4", 7, 7), 1_000); // the model in use, written to all along
            }
        }

        assertThat(registry.find(LABELLED).counters()).hasSize(2 * SinkMetrics.MODELS_METERED);
        assertThat(count("v3-3e4d1ee016f4", true)).as("kept throughout: never the least recent").isEqualTo(1_001);
        assertThat(count("forged-9999", false)).isEqualTo(1);
        assertThat(registry.find(LABELLED).tag("model", "forged-0").counters()).isEmpty();

        metrics.written(labelled("forged-0", 1, 1), 1_000);
        assertThat(count("forged-0", true)).as("a version that comes back counts from 0 again").isEqualTo(1);
        assertThat(registry.find(LABELLED).counters()).hasSize(2 * SinkMetrics.MODELS_METERED);
    }

    private double count(String model, boolean correct) {
        List<Counter> counters = List.copyOf(registry.find(LABELLED).tag("model", model).tag("correct", Boolean.toString(correct))
                .counters());
        assertThat(counters).as("the counter of %s, correct=%s", model, correct).hasSize(1);
        return counters.get(0).count();
    }

    private static Prediction labelled(String model, int label, int trueLabel) {
        return new Prediction(Prediction.SCHEMA, "img", model, label, 0.9f, null, trueLabel, "test", null, Instant.now());
    }
}
