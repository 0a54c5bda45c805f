package io.inkstream.sink;

import com.datastax.oss.driver.api.core.DriverException;
import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.CorrectionJson;
import io.inkstream.contract.correction.CorrectionKeys;
import io.inkstream.contract.correction.InvalidCorrectionException;
import io.inkstream.contract.correction.LabelVotes;
import io.inkstream.contract.correction.LabelledImages;
import io.inkstream.contract.topic.Topics;
import io.inkstream.store.ImageLabel;
import io.inkstream.store.ModelLabel;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.PredictionWriter;
import io.inkstream.store.StoredPrediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the whole corrections topic, in every sink instance (assigned every partition, no group: each instance needs every
 * correction to label the predictions it writes). Each correction goes into {@link LabelledImages} first, as its labeller's vote
 * on the image, then into Cassandra: the image's label as its labellers' votes make it, and a row in {@code labels_by_model}
 * for every model that has classified the image. A record keyed by neither its image nor its image and labeller is skipped: it
 * could otherwise be compacted away by, or take the place of, another image's or labeller's correction. The write loop, for
 * its part, writes a prediction's rows first and then looks the image up in {@link LabelledImages}: whichever of the two comes
 * second sees the other, so a prediction and a correction of one image that cross are still paired. What is before
 * {@code correction_progress} was written by an earlier run and only read into memory; a record that is not a correction is
 * skipped with its reason (it cannot hold the reader). Writes that fail are retried with backoff until they succeed.
 */
final class CorrectionReader implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CorrectionReader.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** A correction read, to be written: its image, and where it is on the topic. */
    private record Read(String imageId, int partition, long offset) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final PredictionWriter writer;
    private final PredictionReader reader;
    private final LabelledImages labels;
    private final SinkMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch caughtUp = new CountDownLatch(1);

    CorrectionReader(KafkaConsumer<String, byte[]> consumer, PredictionWriter writer, PredictionReader reader, LabelledImages labels,
                     SinkMetrics metrics) {
        this.consumer = consumer;
        this.writer = writer;
        this.reader = reader;
        this.labels = labels;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CORRECTIONS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<Integer, Long> applied = retrying(reader::correctionProgress);
            if (applied == null) {
                return;
            }
            log.info("corrections reader started partitions={} to_read={} written_before={}", partitions.size(),
                    ends.values().stream().mapToLong(Long::longValue).sum(), applied);
            boolean reported = false;
            while (running.get()) {
                List<Read> toWrite = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Correction correction;
                    try {
                        correction = CorrectionJson.read(record.value());
                    } catch (InvalidCorrectionException e) {
                        metrics.correction("invalid");
                        log.warn("correction skipped partition={} offset={} reason=\"{}\"", record.partition(), record.offset(), e.getMessage());
                        continue;
                    }
                    if (!CorrectionKeys.fits(record.key(), correction)) {
                        metrics.correction("invalid");
                        log.warn("correction skipped partition={} offset={} reason=\"its key is neither its imageId nor its imageId/labeller\"",
                                record.partition(), record.offset());
                        continue;
                    }
                    labels.offer(correction, record.offset());
                    if (record.offset() >= applied.getOrDefault(record.partition(), 0L)) {
                        toWrite.add(new Read(correction.imageId(), record.partition(), record.offset()));
                    }
                }
                if (!toWrite.isEmpty() && !write(toWrite)) {
                    return;
                }
                if (!reported && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    reported = true;
                    caughtUp.countDown();
                    log.info("corrections read labelled_images={}", labels.size());
                }
            }
        } catch (WakeupException stopping) {
            // stop() while polling
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Not authorized to read corrections, the topic deleted: the predictions are still written; health says DOWN.
            log.error("corrections reader failed, people's labels are not applied until the sink restarts reason=\"{}\"", e.toString(), e);
        } finally {
            caughtUp.countDown(); // nobody waits for a reader that has stopped
            consumer.close(Duration.ofSeconds(5));
            log.info("corrections reader stopped");
        }
    }

    /** Writes the rows of these corrections, then how far each partition is written; false if stopped first. */
    private boolean write(List<Read> records) throws InterruptedException {
        Boolean written = retrying(() -> {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            Map<Integer, Long> furthest = new HashMap<>();
            for (Read record : records) {
                furthest.merge(record.partition(), record.offset() + 1, Math::max);
                String image = record.imageId();
                LabelVotes.Verdict label = labels.verdict(image).orElseThrow();
                if (label.position() != record.offset()) {
                    continue; // a later correction of this image is already known: its rows win anyway
                }
                writes.add(writer.write(new ImageLabel(image, label.label(), Correction.PERSON, label.labelledAt(), label.tally(),
                        label.contested()), label.position())
                        .toCompletableFuture());
                for (StoredPrediction prediction : reader.forImage(image)) {
                    writes.add(writer.write(new ModelLabel(prediction.modelVersion(), image, label.label(), prediction.label(),
                            label.labelledAt()), label.position()).toCompletableFuture());
                }
                // A shadow model's answers count on people's labels too, so that a candidate is judged on them before promotion.
                reader.shadowAnswers(image).forEach((model, predicted) -> writes.add(writer.write(new ModelLabel(model,
                        image, label.label(), predicted, label.labelledAt()), label.position()).toCompletableFuture()));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
            CompletableFuture.allOf(furthest.entrySet().stream()
                    .map(e -> writer.correctionsApplied(e.getKey(), e.getValue()).toCompletableFuture())
                    .toArray(CompletableFuture[]::new)).join();
            return true;
        });
        if (written == null) {
            return false;
        }
        records.forEach(record -> metrics.correction("applied"));
        return true;
    }

    /** Runs {@code work} until Cassandra takes it, backing off; null if stopped first. */
    private <T> T retrying(java.util.function.Supplier<T> work) throws InterruptedException {
        long backoffMillis = 100;
        while (running.get()) {
            try {
                return work.get();
            } catch (CompletionException | DriverException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                metrics.retried(1);
                log.warn("corrections not written, retrying in {} ms reason=\"{}\"", backoffMillis, cause.getMessage());
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
            }
        }
        return null;
    }

    /** Waits until every correction on the topic when this reader started is in {@link LabelledImages}; false on timeout. */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        running.set(false);
        consumer.wakeup();
    }
}
