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
import io.inkstream.ops.kafka.Offsets;
import io.inkstream.testkit.junit.SharedInfrastructure;
import io.inkstream.testkit.kafka.GroupProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier is killed (SIGKILL) three times while images stream in, and restarted each time on
 * a new state directory (so its buffer can only come back from its changelog). Batches wait up to a
 * second here. Under exactly-once each kill comes when images are held: the group has committed
 * their input offsets and no prediction of theirs is committed (the group's offsets read, then the
 * predictions topic read to its end, just before the kill). With the changelogged buffer every
 * image ends with exactly one committed prediction, and the restarts find the held images in the
 * changelog; with the memory-only buffer (the first negative control) the held images are lost,
 * which proves the test can see a loss. The second control breaks the other half of exactly-once:
 * under {@code at_least_once}, with offsets committed only once a minute, each kill comes before
 * any commit of the images its instance classified, so the next instance classifies them again and
 * the same check must find duplicates. If a Kafka upgrade drops the commit hook the buffer relies
 * on, the first case fails.
 */
@ExtendWith(SharedInfrastructure.class)
class ClassifierCrashIT {
    /** Images a new instance must predict before the test looks for a moment to kill it: it runs. */
    private static final int PREDICTED_BY_EACH = 200;
    /** Held images a kill waits for: a burst of 50 arrives every 250 ms, offsets commit every 100 ms, a batch waits up to 1 s. */
    private static final int HELD_AT_KILL = 10;

    @TempDir
    Path temp;

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Test
    void killingTheInstanceMidStreamLosesAndDuplicatesNothing(KafkaCluster kafka) throws Exception {
        Outcome outcome = killThreeTimes(kafka, "changelog", settings(BatchSettings.Buffer.CHANGELOG));
        System.out.printf("changelog buffer: %d of %d images lost, %d duplicated, images held at the kills %s, %d buffers restored with images%n",
                outcome.missing().size(), outcome.sent(), outcome.duplicates().size(), outcome.heldAtKills(), outcome.restoredBuffers());
        assertThat(outcome.missing()).as("images without a prediction; classifier log:%n%s", tail(outcome.log())).isEmpty();
        assertThat(outcome.duplicates()).as("images predicted more than once").isEmpty();
        assertThat(outcome.restoredBuffers()).as("restarts that found images pending in the changelog; classifier log:%n%s",
                tail(outcome.log())).isPositive();
    }

    @Test
    void negativeControlAMemoryOnlyBufferLosesImagesUnderTheSameKills(KafkaCluster kafka) throws Exception {
        Outcome outcome = killThreeTimes(kafka, "memory-unsafe", settings(BatchSettings.Buffer.MEMORY_UNSAFE));
        System.out.printf("memory-only buffer: %d of %d images lost, images held at the kills %s%n", outcome.missing().size(), outcome.sent(),
                outcome.heldAtKills());
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
        System.out.printf("at_least_once: %d of %d images duplicated, %d lost%n", outcome.duplicates().size(), outcome.sent(),
                outcome.missing().size());
        assertThat(outcome.duplicates()).as("at_least_once must duplicate images across the kills, or this test cannot see a duplicate")
                .hasSizeGreaterThanOrEqualTo(300);
    }

    record Outcome(int sent, Set<String> missing, Map<String, Integer> duplicates, List<Integer> heldAtKills, long restoredBuffers, Path log) {
    }

    private Outcome killThreeTimes(KafkaCluster kafka, String name, Map<String, String> settings) throws Exception {
        String prefix = "crash-" + UUID.randomUUID() + "-";
        String applicationId = "classifier-crash-" + UUID.randomUUID();
        // Kept in target/ so that a failed run can be read afterwards.
        Path log = Files.createDirectories(Path.of("target")).resolve("classifier-crash-it-" + name + ".log");
        Files.deleteIfExists(log);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            PipelineTopics.ensure(admin, 6, Optional.empty()); // the producer starts before the first classifier
        }
        String version = ShippedModels.DEFAULT.load().version();
        // At-least-once commits nothing in a round, so no image is ever held there: its kills wait only for predictions.
        boolean exactlyOnce = !ClassifierConfig.Guarantee.AT_LEAST_ONCE.name().equals(settings.get(ClassifierConfig.GUARANTEE));

        try (PredictionCollector collector = new PredictionCollector(kafka, prefix); Admin admin = Admin.create(kafka.clientProperties());
                ImageStream images = ImageStream.start(kafka, prefix, BundledMnist.validation())) {
            List<Integer> heldAtKills = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                Map<TopicPartition, Long> startedFrom = Offsets.committed(admin, applicationId);
                try (ServiceProcess classifier = ServiceProcess.start(ClassifierProcess.MAIN, ClassifierProcess.environment(kafka.bootstrapServers(),
                        applicationId, Files.createDirectories(temp.resolve("state-" + round)), version, settings), log)) {
                    int before = collector.distinct(version);
                    assertThat(collector.awaitDistinct(version, before + PREDICTED_BY_EACH, Duration.ofSeconds(120)))
                            .as("round %d: the new instance predicted %d images within 120 s, of the %d it waits for; classifier log:%n%s", round,
                                    collector.distinct(version) - before, PREDICTED_BY_EACH, tail(log)).isTrue();
                    if (exactlyOnce) {
                        heldAtKills.add(awaitHeldImages(admin, collector, applicationId, startedFrom, images, version, round));
                    }
                    classifier.kill();
                }
            }
            int sent = images.stop();

            try (ServiceProcess last = ServiceProcess.start(ClassifierProcess.MAIN,
                    ClassifierProcess.environment(kafka.bootstrapServers(), applicationId, Files.createDirectories(temp.resolve("state-last")), version,
                    settings), log)) {
                if (BatchSettings.Buffer.MEMORY_UNSAFE.name().equals(settings.get(ClassifierConfig.BATCH_BUFFER))) {
                    // The images it lost never come, so waiting for all of them would only run out: instead, until its group has
                    // committed the end of the images topic. Under exactly-once its predictions commit with those offsets, so
                    // what is missing then stays missing.
                    GroupProgress.awaitCommittedToEnd(kafka, applicationId, Topics.IMAGES, Duration.ofSeconds(120));
                } else {
                    collector.awaitDistinct(version, sent, Duration.ofSeconds(180));
                }
            } // stopped: nothing more is written, so the topic's end is final
            // The verdict reads every committed prediction to the end offsets, duplicates included.
            Map<String, Integer> counts = PredictionCollector.countToEnd(kafka, prefix);
            Set<String> missing = new TreeSet<>();
            for (int i = 0; i < sent; i++) {
                if (!counts.containsKey(prefix + i + "@" + version)) {
                    missing.add(prefix + i);
                }
            }
            long restored = Files.readAllLines(log).stream().filter(line -> line.contains("buffer restored")).count();
            return new Outcome(sent, missing, PredictionCollector.duplicates(counts, version), heldAtKills, restored, log);
        }
    }

    /**
     * Polls until at least {@link #HELD_AT_KILL} images are held by the running instance: its group has committed their
     * input offsets (past where it started, {@code startedFrom}) and the predictions topic, read to its end after those
     * offsets were read, holds no prediction of theirs. Their prediction can only come with a later commit, so a kill now
     * leaves them in the buffer. Returns how many; fails with the most it saw.
     */
    private static int awaitHeldImages(Admin admin, PredictionCollector collector, String group, Map<TopicPartition, Long> startedFrom,
            ImageStream images, String version, int round) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int most = 0;
        do {
            Map<TopicPartition, Long> committed = Offsets.committed(admin, group);
            collector.awaitReadTo(Offsets.of(admin, Topics.PREDICTIONS, OffsetSpec.latest()), Duration.ofSeconds(30));
            int held = 0;
            List<RecordMetadata> sent = images.sent();
            for (int i = 0; i < sent.size(); i++) {
                TopicPartition partition = new TopicPartition(sent.get(i).topic(), sent.get(i).partition());
                long offset = sent.get(i).offset();
                if (offset >= startedFrom.getOrDefault(partition, 0L) && offset < committed.getOrDefault(partition, 0L)
                        && !collector.has(collector.prefix() + i, version)) {
                    held++;
                }
            }
            if (held >= HELD_AT_KILL) {
                return held;
            }
            most = Math.max(most, held);
        } while (System.nanoTime() < end);
        throw new AssertionError("round " + round + ": no moment within 60 s when " + HELD_AT_KILL + " images were held (committed offsets, no"
                + " committed prediction); at most " + most + ", of " + images.sent().size() + " sent");
    }

    /** Images produced in bursts of 50 every 250 ms (200 a second) until stopped, with where each one went. */
    private static final class ImageStream implements AutoCloseable {
        private final List<RecordMetadata> sent = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        private ImageStream(KafkaCluster kafka, String prefix, LabelledDigits digits) {
            thread = new Thread(() -> {
                try {
                    for (int from = 0; from < digits.size() && !stopped.get(); from += 50) {
                        sent.addAll(PipelineTraffic.produce(kafka, prefix, digits, from, Math.min(digits.size(), from + 50)));
                        Thread.sleep(250);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "image-producer");
        }

        static ImageStream start(KafkaCluster kafka, String prefix, LabelledDigits digits) {
            ImageStream stream = new ImageStream(kafka, prefix, digits);
            stream.thread.start();
            return stream;
        }

        /** Where each image sent so far went: image {@code i} is the i-th. */
        List<RecordMetadata> sent() {
            synchronized (sent) {
                return List.copyOf(sent);
            }
        }

        /** Stops sending; returns how many images were sent, all of them written. */
        int stop() throws InterruptedException {
            stopped.set(true);
            thread.join();
            if (failure.get() != null) {
                throw new AssertionError("the image producer failed", failure.get());
            }
            return sent.size();
        }

        @Override
        public void close() throws InterruptedException {
            stopped.set(true);
            thread.join();
        }
    }

    private static Map<String, String> settings(BatchSettings.Buffer buffer) {
        return Map.of(ClassifierConfig.BATCH_BUFFER, buffer.name(),
                ClassifierConfig.BATCH_MAX_WAIT_MS, "1000",
                ClassifierConfig.BATCH_MAX_RECORDS, "100000");
    }
}
