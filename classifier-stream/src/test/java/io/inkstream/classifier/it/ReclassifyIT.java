package io.inkstream.classifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.ClassifierService;
import io.inkstream.classifier.models.ModelPublisher;
import io.inkstream.classifier.reclassify.ReclassifyProgress;
import io.inkstream.classifier.reclassify.ReclassifyRun;
import io.inkstream.classifier.reclassify.ReclassifySummary;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An operator publishes v2 and replays the images topic with it: a second, complete set of predictions. */
@ExtendWith(SharedInfrastructure.class)
class ReclassifyIT {
    private static final int IMAGES = 300;

    @TempDir
    Path state;

    @Test
    void aReclassifyRunWithASecondModelGivesASecondCompleteSetAndRunningItAgainChangesNothing(KafkaCluster kafka) throws Exception {
        LabelledDigits digits = BundledMnist.validation().range(2000, 2000 + IMAGES);
        String prefix = "replay-" + UUID.randomUUID() + "-";
        String shipped = ShippedModels.DEFAULT.load().version();
        // Pinned: other tests on this broker publish models, and the latest publication would be the live one.
        ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers())
                .withApplicationId("classifier-replay-" + UUID.randomUUID()).withHttpPort(0).withStateDir(state.resolve("live"))
                .withPinnedModel(Optional.of(shipped));

        try (PredictionCollector collector = new PredictionCollector(kafka, prefix);
             ClassifierService live = ClassifierService.start(config)) {
            PipelineTraffic.produce(kafka, prefix, digits, 0, IMAGES);
            assertThat(collector.awaitDistinct(shipped, IMAGES, Duration.ofSeconds(120)))
                    .as("images predicted by %s within 120 s: %d of %d", shipped, collector.distinct(shipped), IMAGES).isTrue();

            String v2 = ModelPublisher.publish(kafka.clientProperties(), ShippedModels.V2.bytes());
            List<ReclassifyProgress> progress = new ArrayList<>();
            ReclassifyRun.Settings settings = new ReclassifyRun.Settings(config.withStateDir(state.resolve("replay")), v2,
                    Optional.empty(), Duration.ofMinutes(5));

            ReclassifySummary first = new ReclassifyRun(settings).run(progress::add);

            assertThat(collector.awaitDistinct(v2, IMAGES, Duration.ofSeconds(30)))
                    .as("images predicted by %s within 30 s of the run: %d of %d", v2, collector.distinct(v2), IMAGES).isTrue();
            Map<String, Prediction> byShipped = index(collector.byModel(shipped));
            Map<String, Prediction> byV2 = index(collector.byModel(v2));
            assertThat(byShipped).hasSize(IMAGES);
            assertThat(byV2).hasSize(IMAGES);
            assertThat(collector.duplicates(shipped)).isEmpty();
            assertThat(collector.duplicates(v2)).isEmpty();
            assertThat(byV2.values().stream().filter(Prediction::correct).count()).isGreaterThanOrEqualTo(285);

            assertThat(first.modelVersion()).isEqualTo(v2);
            assertThat(first.processedThisRun()).isGreaterThanOrEqualTo(IMAGES);
            assertThat(first.images()).isGreaterThanOrEqualTo(IMAGES);
            assertThat(first.comparedImages()).isGreaterThanOrEqualTo(IMAGES);
            assertThat(first.accuracy()).isGreaterThan(0.95);
            assertThat(first.agreement()).isGreaterThan(0.94);
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(progress.size() - 1).share()).isEqualTo(1.0);

            ReclassifySummary second = new ReclassifyRun(settings).run(p -> { });

            assertThat(second.processedThisRun()).isZero();
            assertThat(second.images()).isEqualTo(first.images());
            assertThat(second.correct()).isEqualTo(first.correct());
            // Both runs are over and the live classifier has nothing left: every committed prediction, to the topic's end.
            Map<String, Integer> counts = PredictionCollector.countToEnd(kafka, prefix);
            assertThat(PredictionCollector.duplicates(counts, shipped)).isEmpty();
            assertThat(PredictionCollector.duplicates(counts, v2)).isEmpty();
            assertThat(counts).hasSize(2 * IMAGES);
        }
    }

    @Test
    void aRunFromATimestampReclassifiesOnlyTheImagesSentSinceThen(KafkaCluster kafka) throws Exception {
        LabelledDigits digits = BundledMnist.validation().range(3000, 3200);
        String prefix = "from-" + UUID.randomUUID() + "-";
        String v2 = ModelPublisher.publish(kafka.clientProperties(), ShippedModels.V2.bytes());
        try (PredictionCollector collector = new PredictionCollector(kafka, prefix)) {
            PipelineTraffic.produce(kafka, prefix + "before-", digits, 0, 100);
            Thread.sleep(50);
            Instant from = Instant.now();
            Thread.sleep(50);
            PipelineTraffic.produce(kafka, prefix + "after-", digits, 100, 200);

            ClassifierConfig config = ClassifierConfig.defaults(kafka.bootstrapServers()).withHttpPort(0).withStateDir(state.resolve("from"));
            ReclassifySummary summary = new ReclassifyRun(new ReclassifyRun.Settings(config, v2, Optional.of(from), Duration.ofMinutes(5),
                    Optional.of("from-" + UUID.randomUUID()))).run(p -> { });

            assertThat(collector.awaitDistinct(v2, 100, Duration.ofSeconds(30)))
                    .as("images predicted by %s within 30 s of the run: %d of 100", v2, collector.distinct(v2)).isTrue();
            Map<String, Integer> counts = PredictionCollector.countToEnd(kafka, prefix);
            assertThat(counts).as("every committed prediction, to the topic's end").hasSize(100).allSatisfy((key, count) -> {
                assertThat(key).startsWith(prefix + "after-").endsWith("@" + v2);
                assertThat(count).isOne();
            });
            assertThat(summary.processedThisRun()).isEqualTo(100);
        }
    }

    private static Map<String, Prediction> index(List<Prediction> predictions) {
        return predictions.stream().collect(Collectors.toMap(Prediction::imageId, Function.identity()));
    }
}
