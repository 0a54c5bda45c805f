package io.inkstream.classifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.classifier.ClassifierConfig;
import io.inkstream.classifier.batching.BatchSettings;
import io.inkstream.contract.topic.PipelineTopics;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.infra.process.ServiceProcess;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.GroupProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier is killed (SIGKILL) three times while images stream in, with images waiting in
 * its buffer, and restarted each time on a new state directory (so the buffer can only come back
 * from its changelog). Batches wait up to a second here, and each kill comes 600 ms after a flush,
 * when images consumed since have had their offsets committed but wait for the next flush: with
 * the changelogged buffer every image ends with exactly one committed prediction, and the restarts
 * find those images in the changelog;
 * with the memory-only buffer (the first negative control) the same kills lose images, which proves
 * the test can see a loss. The second control breaks the other half of exactly-once: under
 * {@code at_least_once}, with offsets committed only once a minute, each kill comes before any
 * commit of the images its instance classified, so the next instance classifies them again and
 * the same check must find duplicates. If a Kafka upgrade drops the commit hook the buffer relies
 * on, the first case fails.
 */
@ExtendWith(SharedInfrastructure.class)
class ClassifierCrashIT {
    private static final int IMAGES = 4000;
    /** The wait is 1 s and images come in bursts every 250 ms: see {@link #killThreeTimes}. */
    private static final Duration KILL_AFTER_FLUSH = Duration.ofMillis(600);

    @TempDir
    Path temp;

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Test
    void killingTheInstanceMidStreamLosesAndDuplicatesNothing(KafkaCluster kafka) throws Exception {
        Outcome outcome = killThreeTimes(kafka, "changelog", settings(BatchSettings.Buffer.CHANGELOG));
        System.out.printf("changelog buffer: %d of %d images lost, %d duplicated, %d buffers restored with images%n",
                outcome.missing().size(), IMAGES, outcome.duplicates().size(), outcome.restoredBuffers());
        assertThat(outcome.missing()).as("images without a prediction; classifier log:%n%s", tail(outcome.log())).isEmpty();
        assertThat(outcome.duplicates()).as("images predicted more than once").isEmpty();
        assertThat(outcome.restoredBuffers()).as("restarts that found images pending in the changelog; classifier log:%n%s",
                tail(outcome.log())).isPositive();
    }

    @Test
    void negativeControlAMemoryOnlyBufferLosesImagesUnderTheSameKills(KafkaCluster kafka) throws Exception {
        Outcome outcome = killThreeTimes(kafka, "memory-unsafe", settings(BatchSettings.Buffer.MEMORY_UNSAFE));
        System.out.printf("memory-only buffer: %d of %d images lost%n", outcome.missing().size(), IMAGES);
        assertThat(outcome.missing()).as("the memory-only buffer must lose images, or this test cannot see a loss").isNotEmpty();
    }

    @Test
    void negativeControlAtLeastOnceDuplicatesImagesUnderTheSameKills(KafkaCluster kafka) throws Exception {
        Map<String, String> atLeastOnce = new HashMap<>(settings(BatchSettings.Buffer.CHANGELOG));
        atLeastOnce.put(ClassifierConfig.GUARANTEE, ClassifierConfig.Guarantee.AT_LEAST_ONCE.name());
        // Longer than any round lasts: every kill lands before its instance commits an offset, so
        // all it classified comes round again.
        atLeastOnce.put(ClassifierConfig.STREAMS_PREFIX + "COMMIT_INTERVAL_MS", "60000");
        Outcome outcome = killThreeTimes(kafka, "at-least-once", atLeastOnce);
        System.out.printf("at_least_once: %d of %d images duplicated, %d lost%n", outcome.duplicates().size(), IMAGES, outcome.missing().size());
        assertThat(outcome.duplicates()).as("at_least_once must duplicate images across the kills, or this test cannot see a duplicate")
                .hasSizeGreaterThanOrEqualTo(300);
    }

    record Outcome(Set<String> missing, Map<String, Integer> duplicates, long restoredBuffers, Path log) {
    }

    private Outcome killThreeTimes(KafkaCluster kafka, String name, Map<String, String> settings) throws Exception {
        LabelledDigits digits = BundledMnist.validation();
        String prefix = "crash-" + UUID.randomUUID() + "-";
        String applicationId = "classifier-crash-" + UUID.randomUUID();
        // Kept in target/ so that a failed run can be read afterwards.
        Path log = Files.createDirectories(Path.of("target")).resolve("classifier-crash-it-" + name + ".log");
        Files.deleteIfExists(log);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            PipelineTopics.ensure(admin, 6, Optional.empty()); // the producer starts before the first classifier
        }
        String version = ShippedModels.DEFAULT.load().version();

        try (PredictionCollector collector = new PredictionCollector(kafka, prefix)) {
            Thread producer = new Thread(() -> {
                // A steady 200 images/s for 20 s, so that every kill finds images freshly consumed and still buffered.
                for (int from = 0; from < IMAGES; from += 50) {
                    PipelineTraffic.produce(kafka, prefix, digits, from, Math.min(IMAGES, from + 50));
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "image-producer");
            producer.start();

            boolean losesImages = BatchSettings.Buffer.MEMORY_UNSAFE.name().equals(settings.get(ClassifierConfig.BATCH_BUFFER));
            int[] killAfter = {300, 1300, 2500};
            for (int round = 0; round < killAfter.length; round++) {
                try (ServiceProcess classifier = ServiceProcess.start(ClassifierProcess.MAIN, ClassifierProcess.environment(kafka.bootstrapServers(),
                        applicationId, Files.createDirectories(temp.resolve("state-" + round)), version, settings), log)) {
                    boolean reached = collector.awaitDistinct(version, killAfter[round], Duration.ofSeconds(losesImages ? 40 : 120));
                    // The memory-only buffer may lose so much in the first kills that a later count is out of reach (seen in
                    // CI: under 2,500 of 4,000 left): that is the loss the control exists to show, so its rounds go on.
                    if (!losesImages) {
                        assertThat(reached).as("round %d: %d of the %d predictions it waits for; classifier log:%n%s", round,
                                collector.distinct(version), killAfter[round], tail(log)).isTrue();
                    } else if (!reached) {
                        System.out.printf("memory-only buffer: round %d did not reach %d predictions within 40 s%n", round, killAfter[round]);
                    }
                    // Where the kill hurts: predictions became visible with the commit after a flush, the next flush is
                    // about a second away (the wait), and in the next 600 ms at least two bursts of 50 images arrive and
                    // are committed (every 100 ms) while still buffered.
                    Thread.sleep(KILL_AFTER_FLUSH.toMillis());
                    classifier.kill();
                }
            }
            producer.join();

            try (ServiceProcess last = ServiceProcess.start(ClassifierProcess.MAIN,
                    ClassifierProcess.environment(kafka.bootstrapServers(), applicationId, Files.createDirectories(temp.resolve("state-last")), version,
                    settings), log)) {
                if (losesImages) {
                    // The images it lost never come, so waiting for all of them would only run out: instead, until its group has
                    // committed the end of the images topic. Under exactly-once its predictions commit with those offsets, so
                    // what is missing then stays missing.
                    GroupProgress.awaitCommittedToEnd(kafka, applicationId, Topics.IMAGES, Duration.ofSeconds(120));
                } else {
                    collector.awaitDistinct(version, IMAGES, Duration.ofSeconds(180));
                }
            } // stopped: nothing more is written, so the topic's end is final
            // The verdict reads every committed prediction to the end offsets, duplicates included.
            Map<String, Integer> counts = PredictionCollector.countToEnd(kafka, prefix);
            Set<String> missing = new TreeSet<>();
            for (int i = 0; i < IMAGES; i++) {
                if (!counts.containsKey(prefix + i + "@" + version)) {
                    missing.add(prefix + i);
                }
            }
            long restored = Files.readAllLines(log).stream().filter(line -> line.contains("buffer restored")).count();
            return new Outcome(missing, PredictionCollector.duplicates(counts, version), restored, log);
        }
    }

    private static Map<String, String> settings(BatchSettings.Buffer buffer) {
        return Map.of(ClassifierConfig.BATCH_BUFFER, buffer.name(),
                ClassifierConfig.BATCH_MAX_WAIT_MS, "1000",
                ClassifierConfig.BATCH_MAX_RECORDS, "100000");
    }
}
