package io.inkstream.classifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.KafkaCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier is killed (SIGKILL) three times while images stream in, with half-full batches
 * in its buffer, and restarted each time on a new state directory (so the buffer can only come
 * back from its changelog). In the end every image has exactly one committed prediction.
 */
@ExtendWith(SharedInfrastructure.class)
class ClassifierCrashIT {
    private static final int IMAGES = 4000;

    @TempDir
    Path temp;

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Test
    void killingTheInstanceMidStreamLosesAndDuplicatesNothing(KafkaCluster kafka) throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        String prefix = "crash-" + UUID.randomUUID() + "-";
        String applicationId = "classifier-crash-" + UUID.randomUUID();
        // Kept in target/ so that a failed run can be read afterwards.
        Path log = Files.createDirectories(Path.of("target")).resolve("classifier-crash-it.log");
        Files.deleteIfExists(log);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            PipelineTopics.ensure(admin, 6, Optional.empty()); // the producer starts before the first classifier
        }
        String version = ShippedModels.DEFAULT.load().version();

        try (PredictionCollector collector = new PredictionCollector(kafka, prefix)) {
            Thread producer = new Thread(() -> {
                for (int from = 0; from < IMAGES; from += 200) {
                    PipelineTraffic.produce(kafka, prefix, digits, from, Math.min(IMAGES, from + 200));
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "image-producer");
            producer.start();

            int[] killAfter = {300, 1300, 2500};
            for (int round = 0; round < killAfter.length; round++) {
                try (ClassifierProcess classifier = ClassifierProcess.start(ClassifierProcess.environment(kafka.bootstrapServers(),
                        applicationId, Files.createDirectories(temp.resolve("state-" + round)), version), log)) {
                    assertThat(collector.awaitDistinct(version, killAfter[round], Duration.ofSeconds(120)))
                            .as("round %d reached %d predictions; classifier log:%n%s", round, killAfter[round], tail(log)).isTrue();
                    classifier.kill();
                }
            }
            producer.join();

            try (ClassifierProcess last = ClassifierProcess.start(
                    ClassifierProcess.environment(kafka.bootstrapServers(), applicationId, Files.createDirectories(temp.resolve("state-last")), version), log)) {
                boolean complete = collector.awaitDistinct(version, IMAGES, Duration.ofSeconds(180));
                Thread.sleep(2000); // a duplicate committed late would show now
                Set<String> missing = new HashSet<>();
                for (int i = 0; i < IMAGES; i++) {
                    if (!collector.keys().contains(prefix + i + "@" + version)) {
                        missing.add(prefix + i);
                    }
                }
                assertThat(missing).as("images without a prediction; classifier log:%n%s", tail(log)).isEmpty();
                assertThat(complete).isTrue();
                assertThat(collector.duplicates(version)).as("images predicted more than once").isEmpty();
                assertThat(collector.distinct(version)).isEqualTo(IMAGES);
            }
        }
    }
}
