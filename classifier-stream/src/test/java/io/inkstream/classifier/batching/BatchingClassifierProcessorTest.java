package io.inkstream.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.contract.prediction.InvalidPredictionException;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
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
        ClassifierMetrics metrics = new ClassifierMetrics(new SimpleMeterRegistry());
        context = new MockProcessorContext<>();
        return task(context, maxRecords, models, metrics, new ThreadBatches(metrics, Clock.systemUTC()));
    }

    /** A task's processor on its own context and buffer, classifying through the given thread's batches. */
    private static BatchingClassifierProcessor task(MockProcessorContext<byte[], byte[]> taskContext, int maxRecords, ModelRegistry models,
                                                    ClassifierMetrics metrics, ThreadBatches batches) {
        // The mock context cannot changelog; the buffer's memory side, which decides the batches, is the same.
        PendingImageBuffer buffer = new PendingImageBuffer(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buffer"), Serdes.Long(),
                PendingImage.serde()).withLoggingDisabled().withCachingDisabled().build(), true);
        buffer.init(taskContext.getStateStoreContext(), buffer);
        taskContext.addStateStore(buffer);
        BatchingClassifierProcessor processor = new BatchingClassifierProcessor("buffer", "predictions", "shadow-predictions", "dead-letters",
                new BatchSettings(maxRecords, WAIT), models, new DigitPreprocessor(), metrics, batches, Clock.systemUTC());
        processor.init(taskContext);
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

    /** A second task on the same stream thread: its own context, buffer and partition (1). */
    private record Task(MockProcessorContext<byte[], byte[]> context, BatchingClassifierProcessor processor) {
        void send(int digit, long offset) {
            context.setRecordMetadata("images", 1, offset);
            processor.process(new Record<>(("other-" + digit).getBytes(StandardCharsets.UTF_8), digits.images().imageBytes(digit), 0L));
        }

        List<String> predictedIds() {
            return context.forwarded().stream().filter(f -> f.childName().equals(Optional.of("predictions")))
                    .map(f -> imageId(f.record().value())).toList();
        }

        List<CapturedPunctuator> activeWaits() {
            return context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).toList();
        }
    }

    /** Two tasks run by one stream thread, the seed model, and the meters their batches are counted in. */
    private record OneThread(BatchingClassifierProcessor first, Task second, SimpleMeterRegistry meters) {
        double modelCalls() {
            return meters.get("inkstream.classifier.batch.size").summary().count();
        }

        double imagesClassified() {
            return meters.get("inkstream.classifier.batch.size").summary().totalAmount();
        }
    }

    private OneThread twoTasksOnOneThread(int maxRecords) {
        ModelRegistry models = new ModelRegistry(Optional.empty(), seed);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ClassifierMetrics metrics = new ClassifierMetrics(meters);
        ThreadBatches batches = new ThreadBatches(metrics, Clock.systemUTC());
        context = new MockProcessorContext<>();
        BatchingClassifierProcessor first = task(context, maxRecords, models, metrics, batches);
        MockProcessorContext<byte[], byte[]> other = new MockProcessorContext<>();
        return new OneThread(first, new Task(other, task(other, maxRecords, models, metrics, batches)), meters);
    }

    @Test
    void oneModelCallClassifiesTheImagesOfEveryTaskOnTheThreadAndEachTaskForwardsItsOwn() {
        OneThread thread = twoTasksOnOneThread(256);
        Task second = thread.second();
        send(thread.first(), 0);
        second.send(1, 0);
        second.send(2, 1);

        activeWaits().get(0).getPunctuator().punctuate(0L); // the first task's wait runs out

        assertThat(thread.modelCalls()).isEqualTo(1);
        assertThat(thread.imagesClassified()).isEqualTo(3);
        assertThat(predictedIds()).as("the first task forwards its own at once").containsExactly("img-0");
        assertThat(second.predictedIds()).as("the second task's wait for its own context").isEmpty();
        assertThat(activeWaits()).isEmpty();
        assertThat(second.activeWaits()).as("its images are still pending, so its wait stays").hasSize(1);

        second.send(3, 2); // its next record forwards what was classified for it, in its own context
        assertThat(second.predictedIds()).containsExactly("other-1", "other-2");
        assertThat(thread.modelCalls()).as("forwarding classifies nothing").isEqualTo(1);

        second.activeWaits().get(0).getPunctuator().punctuate(20L); // and its own wait the image after
        assertThat(second.predictedIds()).containsExactly("other-1", "other-2", "other-3");
        assertThat(second.activeWaits()).isEmpty();
        assertThat(thread.modelCalls()).isEqualTo(2);
    }

    @Test
    void theThreadsImagesTogetherFillABatch() {
        OneThread thread = twoTasksOnOneThread(3);
        Task second = thread.second();
        send(thread.first(), 0);
        second.send(1, 0);
        assertThat(predictedIds()).isEmpty();

        send(thread.first(), 2); // the third image on the thread: the batch is full

        assertThat(predictedIds()).containsExactly("img-0", "img-2");
        assertThat(activeWaits()).isEmpty();
        second.activeWaits().get(0).getPunctuator().punctuate(0L);
        assertThat(second.predictedIds()).containsExactly("other-1");
    }

    @Test
    void aClosedTaskLeavesTheThreadsBatch() {
        OneThread thread = twoTasksOnOneThread(256);
        thread.second().send(1, 0);
        thread.second().processor().close(); // revoked: its next owner restores the image from the changelog

        send(thread.first(), 0);
        activeWaits().get(0).getPunctuator().punctuate(0L);

        assertThat(thread.imagesClassified()).as("only the open task's image").isEqualTo(1);
        assertThat(predictedIds()).containsExactly("img-0");
    }
}
