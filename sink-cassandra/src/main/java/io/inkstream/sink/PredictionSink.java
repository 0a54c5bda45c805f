package io.inkstream.sink;

import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import io.inkstream.contract.correction.LabelledImages;
import io.inkstream.contract.prediction.InvalidPredictionException;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.ImageIds;
import io.inkstream.contract.topic.Timestamps;
import io.inkstream.contract.topic.Topics;
import io.inkstream.store.ImageFailure;
import io.inkstream.store.ModelLabel;
import io.inkstream.store.PredictionTally;
import io.inkstream.store.PredictionWriter;
import io.inkstream.store.ShadowTally;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write loop: poll predictions (and the images topic's dead letters, recorded as failures so
 * the gateway can say why an image was refused), write every one to Cassandra with a bound on writes in
 * flight, retry what failed for a transient reason until it succeeds, dead-letter what can never
 * be written, and only then commit the polled offsets. At-least-once delivery of upserts by
 * primary key: the effect is exactly-once. One thread; {@link #stop()} finishes the batch in hand
 * and commits it.
 */
final class PredictionSink implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PredictionSink.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final PredictionWriter writer;
    private final RunningTallies<PredictionTally> tallies;
    private final RunningTallies<ShadowTally> shadowTallies;
    private final LabelledImages labels;
    private final Semaphore inFlight;
    /** Predictions handed to the writer at once: its history batches are drawn from one slice. */
    private final int writeSlice;
    private final SinkMetrics metrics;
    private final SinkConfig.Commit commit;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile Instant lastProgress = Instant.now();
    private volatile boolean cassandraFailing;

    PredictionSink(KafkaConsumer<String, byte[]> consumer, KafkaProducer<byte[], byte[]> deadLetters, PredictionWriter writer,
                   RunningTallies<PredictionTally> tallies, RunningTallies<ShadowTally> shadowTallies, LabelledImages labels, int maxInFlight,
                   SinkMetrics metrics, SinkConfig.Commit commit) {
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.writer = writer;
        this.tallies = tallies;
        this.shadowTallies = shadowTallies;
        this.labels = labels;
        this.inFlight = new Semaphore(maxInFlight);
        this.writeSlice = Math.min(maxInFlight, 4 * PredictionWriter.HISTORY_BATCH_ROWS);
        this.metrics = metrics;
        this.commit = commit;
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(Topics.PREDICTIONS, Topics.SHADOW_PREDICTIONS, Topics.IMAGES_DLQ), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Every polled batch is written and committed before the next poll: nothing is in flight here.
                tallies.forget(partitions);
                shadowTallies.forget(partitions);
                log.info("partitions revoked partitions={}", partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                tallies.assigned(partitions);
                shadowTallies.assigned(partitions);
                log.info("partitions assigned partitions={}", partitions);
            }
        });
        try {
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                lastProgress = Instant.now();
                if (records.isEmpty()) {
                    continue;
                }
                if (commit == SinkConfig.Commit.BEFORE_WRITE_UNSAFE) {
                    consumer.commitSync(); // the negative control's order: a crash from here to the end of the writes loses them
                    writeAll(records);
                } else if (writeAll(records)) {
                    consumer.commitSync();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(10));
            log.info("sink loop stopped");
        }
    }

    /**
     * Writes a polled batch completely (or dead-letters what can never be written), then the live
     * accuracy counts of what was written; returns false if stopped first.
     */
    private boolean writeAll(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        List<Polled> pending = new ArrayList<>(records.count());
        Set<Polled> unwritten = Collections.newSetFromMap(new IdentityHashMap<>());
        List<SentDeadLetter> dead = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (Topics.IMAGES_DLQ.equals(record.topic())) {
                // A dead letter whose key is no image id (none, or one the classifier refused as invalid-id) names no image
                // to report on; a key over 64 KiB would only be refused by Cassandra and dead-lettered again.
                if (record.key() != null && ImageIds.problem(record.key()).isEmpty()) {
                    ImageFailure failure = failureOf(record);
                    pending.add(new Polled(record, null, failure));
                }
                continue;
            }
            try {
                Prediction prediction = PredictionJson.read(record.value());
                pending.add(new Polled(record, prediction, null));
            } catch (InvalidPredictionException e) {
                dead.add(deadLetter(record, "parse", "invalid-prediction", e.getMessage()));
            }
        }
        List<Polled> polled = List.copyOf(pending);
        long backoffMillis = 100;
        while (!pending.isEmpty()) {
            List<Polled> failed = writeOnce(pending, dead, unwritten);
            if (failed.isEmpty()) {
                break;
            }
            if (commit == SinkConfig.Commit.AFTER_ONE_ATTEMPT_UNSAFE) {
                log.warn("dropping predictions whose write failed (the outage control's order) dropped={}", failed.size());
                unwritten.addAll(failed);
                break;
            }
            metrics.retried(failed.size());
            if (!cassandraFailing) {
                log.warn("cassandra writes failing, retrying with backoff failed={}", failed.size());
                cassandraFailing = true;
            }
            if (!running.get()) {
                log.warn("stopping with {} predictions unwritten: not committed, they will be consumed again", failed.size());
                return false;
            }
            keepGroupMembership(backoffMillis);
            backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
            pending = failed;
        }
        if (!writeTallies(polled.stream().filter(item -> !unwritten.contains(item)).toList())) {
            return false;
        }
        if (cassandraFailing) {
            log.info("cassandra writes recovered");
            cassandraFailing = false;
        }
        for (SentDeadLetter letter : dead) {
            letter.await();
        }
        return true;
    }

    /**
     * Writes each prediction once, at most maxInFlight at a time, handed to the writer in slices so
     * that it can batch their history rows; returns those that failed for a reason worth retrying.
     */
    private List<Polled> writeOnce(List<Polled> batch, List<SentDeadLetter> dead, Set<Polled> unwritten)
            throws InterruptedException {
        List<CompletableFuture<Throwable>> writes = new ArrayList<>(batch.size());
        for (int from = 0; from < batch.size(); from += writeSlice) {
            List<Polled> slice = batch.subList(from, Math.min(batch.size(), from + writeSlice));
            inFlight.acquire(slice.size());
            long started = System.nanoTime();
            List<CompletionStage<Void>> sliceWrites = write(slice);
            for (int i = 0; i < slice.size(); i++) {
                Prediction prediction = slice.get(i).prediction();
                writes.add(sliceWrites.get(i).toCompletableFuture().handle((result, error) -> {
                    inFlight.release();
                    if (error == null) {
                        metrics.written(prediction, System.nanoTime() - started);
                        return null;
                    }
                    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                }));
            }
        }
        List<Polled> failed = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Throwable error = writes.get(i).join();
            if (error == null) {
                continue;
            }
            if (error instanceof QueryValidationException || error instanceof CodecNotFoundException) {
                // Cassandra refuses this row as such: retrying cannot help.
                dead.add(deadLetter(batch.get(i).record(), "write", error.getClass().getSimpleName(), error.getMessage()));
                unwritten.add(batch.get(i));
            } else {
                failed.add(batch.get(i));
            }
        }
        return failed;
    }

    /**
     * Counts the written predictions into their running tallies and writes the tallies that changed,
     * and the people's label rows of those predictions whose images a person labelled (looked up only
     * now that the predictions' rows are written: see {@link CorrectionReader}), retrying like the rows;
     * returns false if stopped first (nothing committed: the batch comes again and counts from the
     * tallies as written). A tally Cassandra refuses as such is logged and skipped, so that no record
     * can hold the stream: those predictions stay uncounted.
     */
    private boolean writeTallies(List<Polled> written) throws InterruptedException {
        long backoffMillis = 100;
        while (true) {
            try {
                Map<RunningTallies.Key, PredictionTally> counted = tallies.counted(written);
                Map<RunningTallies.Key, ShadowTally> shadowCounted = shadowTallies.counted(written);
                CompletableFuture.allOf(counted.isEmpty() ? CompletableFuture.completedFuture(null)
                                : writer.write(counted.values()).toCompletableFuture(),
                        shadowCounted.isEmpty() ? CompletableFuture.completedFuture(null)
                                : writer.writeShadowTallies(shadowCounted.values()).toCompletableFuture()).join();
                tallies.advance(counted);
                shadowTallies.advance(shadowCounted);
                CompletableFuture.allOf(labelRows(written)).join();
                return true;
            } catch (CompletionException | DriverException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof QueryValidationException || commit == SinkConfig.Commit.AFTER_ONE_ATTEMPT_UNSAFE) {
                    log.error("live accuracy counts not written, not counted predictions={} reason=\"{}\"", written.size(), cause.getMessage());
                    return true;
                }
                metrics.retried(1);
                if (!cassandraFailing) {
                    log.warn("cassandra writes failing, retrying with backoff reason=\"{}\"", cause.getMessage());
                    cassandraFailing = true;
                }
                if (!running.get()) {
                    log.warn("stopping with live accuracy counts unwritten: not committed, they will be counted again");
                    return false;
                }
                keepGroupMembership(backoffMillis);
                backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
            }
        }
    }

    /** A row of labels_by_model for each written prediction of an image a person labelled: a handful, or none. */
    private CompletableFuture<?>[] labelRows(List<Polled> written) {
        List<CompletableFuture<Void>> rows = new ArrayList<>();
        for (Polled item : written) {
            Prediction p = item.prediction();
            if (p != null) {
                labels.verdict(p.imageId()).ifPresent(label -> rows.add(writer.write(new ModelLabel(p.modelVersion(), p.imageId(),
                        label.label(), p.label(), label.labelledAt()), label.position()).toCompletableFuture()));
            }
        }
        return rows.toArray(CompletableFuture[]::new);
    }

    /**
     * One stage per item, in order: the predictions' rows through one call (their history is batched), each failure alone, each
     * shadow model's answer in its own table.
     */
    private List<CompletionStage<Void>> write(List<Polled> slice) {
        List<Polled> withPrediction = slice.stream().filter(item -> item.prediction() != null && !shadow(item)).toList();
        // What the model saw rides in the prediction's header; a record without one (an older classifier) writes none.
        Iterator<CompletionStage<Void>> predictionWrites = writer.write(withPrediction.stream().map(Polled::prediction).toList(),
                withPrediction.stream().map(item -> Headers.modelInput(item.record().headers()).orElse(null)).toList()).iterator();
        List<CompletionStage<Void>> writes = new ArrayList<>(slice.size());
        for (Polled item : slice) {
            if (item.prediction() == null) {
                writes.add(writer.write(item.failure()));
            } else if (shadow(item)) {
                org.apache.kafka.common.header.Headers headers = item.record().headers();
                writes.add(writer.writeShadow(item.prediction(), Headers.activeModel(headers).orElse(null),
                        Headers.activeLabel(headers).orElse(null)));
            } else {
                writes.add(predictionWrites.next());
            }
        }
        return writes;
    }

    private static boolean shadow(Polled item) {
        return Topics.SHADOW_PREDICTIONS.equals(item.record().topic());
    }

    private static ImageFailure failureOf(ConsumerRecord<String, byte[]> record) {
        org.apache.kafka.common.header.Headers headers = record.headers();
        // The failed-at header, else the record's timestamp, else when it was read: any producer can write this topic.
        Instant failedAt = Headers.text(headers, Headers.FAILED_AT).flatMap(Timestamps::parse)
                .or(() -> Timestamps.ofEpochMilli(record.timestamp())).orElseGet(Instant::now);
        return new ImageFailure(record.key(), Headers.text(headers, Headers.ERROR_STAGE).orElse("unknown"),
                Headers.text(headers, Headers.ERROR_CLASS).orElse("unknown"), Headers.text(headers, Headers.ERROR_MESSAGE).orElse(""),
                Headers.text(headers, Headers.SOURCE).orElse(null), failedAt);
    }

    /** Waits out a backoff while still polling (paused), so the group does not think this member is dead. */
    private void keepGroupMembership(long backoffMillis) throws InterruptedException {
        consumer.pause(consumer.assignment());
        long until = System.nanoTime() + backoffMillis * 1_000_000;
        while (System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(Math.min(100, backoffMillis)));
            lastProgress = Instant.now();
        }
        consumer.resume(consumer.paused());
    }

    private SentDeadLetter deadLetter(ConsumerRecord<String, byte[]> record, String stage, String errorClass, String message) {
        metrics.deadLetter(stage);
        log.warn("dead letter topic={} partition={} offset={} stage={} reason=\"{}\"", record.topic(), record.partition(), record.offset(),
                stage, message);
        return new SentDeadLetter(record, stage, errorClass, message, deadLetters.send(deadLetterRecord(record, record.value(), stage,
                errorClass, message)));
    }

    private static ProducerRecord<byte[], byte[]> deadLetterRecord(ConsumerRecord<String, byte[]> record, byte[] value, String stage,
                                                                   String errorClass, String message) {
        RecordHeaders headers = Headers.deadLetter(record.headers(), stage, errorClass, message, Instant.now());
        return new ProducerRecord<>(Topics.PREDICTIONS_DLQ, null, record.key() == null ? null : Headers.utf8(record.key()), value, headers);
    }

    /** A dead letter on its way, and what to send instead if it is larger than the dead-letter topic takes. */
    private final class SentDeadLetter {
        private final ConsumerRecord<String, byte[]> record;
        private final String stage;
        private final String errorClass;
        private final String message;
        private final Future<RecordMetadata> sent;

        SentDeadLetter(ConsumerRecord<String, byte[]> record, String stage, String errorClass, String message, Future<RecordMetadata> sent) {
            this.record = record;
            this.stage = stage;
            this.errorClass = errorClass;
            this.message = message;
            this.sent = sent;
        }

        /**
         * Waits until it is written. A record of nearly a topic's limit plus the failure's headers is more than the dead-letter
         * topic takes: it goes without its value, which stays where it was read (failing here stopped the loop, on the same
         * record after every restart).
         */
        void await() throws InterruptedException {
            Throwable failure = failure(sent);
            if (failure instanceof RecordTooLargeException) {
                String without = String.format(Locale.ROOT, "value not copied (%d bytes, more than %s takes; it is at %s-%d@%d): %s",
                        record.value() == null ? 0 : record.value().length, Topics.PREDICTIONS_DLQ, record.topic(), record.partition(),
                        record.offset(), message);
                failure = failure(deadLetters.send(deadLetterRecord(record, null, stage, errorClass, without)));
            }
            if (failure != null) {
                throw new IllegalStateException("a dead letter could not be written: " + failure.getMessage(), failure);
            }
        }

        /** Why a send failed, or null once the broker has the record. */
        private static Throwable failure(Future<RecordMetadata> send) throws InterruptedException {
            try {
                send.get();
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    boolean cassandraFailing() {
        return cassandraFailing;
    }

    Instant lastProgress() {
        return lastProgress;
    }

    /** The loop finishes the batch in hand (written and committed) and exits within one poll. */
    void stop() {
        running.set(false);
    }
}
