package io.inkstream.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.contract.prediction.InvalidPredictionException;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.preprocess.DigitPreprocessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batching processor alone, its punctuator fired by hand. Kafka Streams commits a task after
 * every punctuation, so these tests pin down when a wait is scheduled: only while images wait.
 */
class BatchingClassifierProcessorTest {
    private static final Duration WAIT = Duration.ofMillis(20);
    private static LabelledDigits digits;
    private static RegisteredModel seed;
    private static RegisteredModel v2;

    private MockProcessorContext<byte[], byte[]> context;
    private long offset;

    @BeforeAll
    static void loadDigitsAndModels() throws Exception {
        digits = BundledMnist.validation().range(0, 10);
        seed = RegisteredModel.from(ShippedModels.DEFAULT.bytes());
        v2 = RegisteredModel.from(ShippedModels.V2.bytes());
    }

    private BatchingClassifierProcessor start(int maxRecords, ModelRegistry models) {
        context = new MockProcessorContext<>();
        // The mock context cannot changelog; the buffer's memory side, which decides the batches, is the same.
        PendingImageBuffer buffer = new PendingImageBuffer(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buffer"), Serdes.Long(),
                PendingImage.serde()).withLoggingDisabled().withCachingDisabled().build(), true);
        buffer.init(context.getStateStoreContext(), buffer);
        context.addStateStore(buffer);
        BatchingClassifierProcessor processor = new BatchingClassifierProcessor("buffer", "predictions", "dead-letters",
                new BatchSettings(maxRecords, WAIT), models, new DigitPreprocessor(), new ClassifierMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC());
        processor.init(context);
        return processor;
    }

    private void send(BatchingClassifierProcessor processor, int digit) {
        context.setRecordMetadata("images", 0, offset++);
        processor.process(new Record<>(("img-" + digit).getBytes(StandardCharsets.UTF_8), digits.images().imageBytes(digit), 0L));
    }

    private List<CapturedPunctuator> activeWaits() {
        return context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).toList();
    }

    private List<String> predictedIds() {
        return context.forwarded().stream()
                .filter(f -> f.childName().equals(Optional.of("predictions")))
                .map(f -> imageId(f.record().value()))
                .toList();
    }

    private static String imageId(byte[] predictionJson) {
        try {
            return PredictionJson.read(predictionJson).imageId();
        } catch (InvalidPredictionException e) {
            throw new AssertionError("the processor forwarded an unreadable prediction", e);
        }
    }

    @Test
    void anIdleTaskSchedulesNothing() {
        start(256, new ModelRegistry(Optional.empty(), seed));

        assertThat(context.scheduledPunctuators()).isEmpty();
    }

    @Test
    void theFirstImageStartsTheWaitAndClassifyingTheBatchEndsIt() {
        BatchingClassifierProcessor processor = start(256, new ModelRegistry(Optional.empty(), seed));
        send(processor, 0);
        send(processor, 1);

        assertThat(activeWaits()).singleElement().satisfies(wait -> {
            assertThat(wait.getInterval()).isEqualTo(WAIT);
            assertThat(wait.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        });
        assertThat(context.forwarded()).isEmpty();

        activeWaits().get(0).getPunctuator().punctuate(0L);

        assertThat(predictedIds()).containsExactly("img-0", "img-1");
        assertThat(activeWaits()).as("waits left once nothing is pending").isEmpty();

        send(processor, 2);
        assertThat(activeWaits()).as("the next batch's own wait").hasSize(1);
        assertThat(context.scheduledPunctuators()).hasSize(2);
    }

    @Test
    void aFullBatchIsClassifiedAtOnceAndLeavesNoWaitBehind() {
        BatchingClassifierProcessor processor = start(3, new ModelRegistry(Optional.empty(), seed));
        for (int i = 0; i < 3; i++) {
            send(processor, i);
        }

        assertThat(predictedIds()).containsExactly("img-0", "img-1", "img-2");
        assertThat(activeWaits()).isEmpty();
    }

    @Test
    void imagesHeldForAPinnedModelKeepTheirWaitUntilItArrives() {
        ModelRegistry models = new ModelRegistry(Optional.of(v2.version()), seed);
        BatchingClassifierProcessor processor = start(256, models);
        send(processor, 0);

        CapturedPunctuator wait = activeWaits().get(0);
        wait.getPunctuator().punctuate(0L);
        assertThat(predictedIds()).isEmpty();
        assertThat(activeWaits()).as("still waiting for the pinned model").containsExactly(wait);

        models.offer(v2.version(), ShippedModels.V2.bytes());
        wait.getPunctuator().punctuate(20L);

        assertThat(predictedIds()).containsExactly("img-0");
        assertThat(activeWaits()).isEmpty();
    }
}
