package io.inkstream.classifier.batching;

import io.inkstream.classifier.deadletter.DeadLetter;
import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.ImageIds;
import io.inkstream.contract.topic.Timestamps;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.image.rejection.ImageRejectedException;
import io.inkstream.image.rejection.ImageRejection;
import io.inkstream.model.network.DigitPrediction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preprocesses each image as it arrives (so a bad image fails alone, straight to the dead-letter
 * topic) and buffers the good ones; classifies the buffered images of every task of its stream
 * thread in one batched model call ({@link ThreadBatch}) when the thread holds {@code maxRecords}
 * images or when this task's {@code maxWait} has passed, and forwards its own predictions in its own
 * context: at once if this task's flush classified them, else at its next record or its own wait.
 *
 * <p>The buffer is a state store, not a list: under exactly-once the input offsets of buffered
 * images commit with the task, so an in-memory list would lose them on a crash. The
 * {@link PendingImageBuffer} writes what is pending at each commit to its changelog in the same
 * transaction (an image leaves it only when its prediction is forwarded), and {@link #init} finds
 * whatever a crashed instance left pending. Entries are keyed by input offset (the task owns one
 * partition), so the same image id sent twice gives two predictions, as it was sent twice.
 *
 * <p>The wait is a wall-clock punctuator scheduled when the first image of a batch arrives and
 * cancelled when the task holds nothing, not one that ticks forever: Kafka Streams commits a task
 * after every punctuation, so a permanent 20 ms tick made each idle task commit an empty
 * transaction every commit interval.
 *
 * <p>The model is re-read between batches: a newly published model takes over at the next batch, and a shadow model named on
 * the model-roles topic is classified beside it from the next batch, its answers sent to their own topic.
 */
public final class BatchingClassifierProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(BatchingClassifierProcessor.class);

    private final String bufferStoreName;
    private final String predictionsSink;
    private final String shadowSink;
    private final String deadLetterSink;
    private final BatchSettings settings;
    private final ModelRegistry models;
    private final DigitPreprocessor preprocessor;
    private final ClassifierMetrics metrics;
    private final ThreadBatches batches;
    private final Clock clock;

    /** Preprocessed pixels of buffered images not yet classified, so the flush need not decode them again. Lost on a crash: then they are recomputed. */
    private final Map<Long, float[]> unclassified = new HashMap<>();
    /** Buffered images classified (by this task's flush or another task's on the same thread), not yet forwarded. */
    private final Map<Long, ThreadBatch.Outcome> classified = new TreeMap<>();
    private ProcessorContext<byte[], byte[]> context;
    private PendingImageBuffer buffer;
    /** The batch of the thread that runs this task, taken on the first image. */
    private ThreadBatch batch;
    private long localSequence = -1;
    private long missingModelWarnedAt;
    /** The running batch's deadline; null while nothing waits. */
    private Cancellable batchDeadline;

    /** The sinks are the names of the topology's nodes for predictions, shadow predictions and dead letters. */
    public BatchingClassifierProcessor(String bufferStoreName, String predictionsSink, String shadowSink, String deadLetterSink,
                                       BatchSettings settings, ModelRegistry models, DigitPreprocessor preprocessor,
                                       ClassifierMetrics metrics, ThreadBatches batches, Clock clock) {
        this.bufferStoreName = bufferStoreName;
        this.predictionsSink = predictionsSink;
        this.shadowSink = shadowSink;
        this.deadLetterSink = deadLetterSink;
        this.settings = settings;
        this.models = models;
        this.preprocessor = preprocessor;
        this.metrics = metrics;
        this.batches = batches;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.buffer = context.getStateStore(bufferStoreName);
        int restored = buffer.recoverRestored();
        if (restored > 0) {
            log.info("buffer restored task={} pending={}", context.taskId(), restored);
        }
        if (buffer.size() > 0) {
            startBatchDeadline();
        }
    }

    private void startBatchDeadline() {
        if (batchDeadline == null) {
            batchDeadline = context.schedule(settings.maxWait(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        forwardClassified(); // what another task's flush classified for this one
        if (record.key() == null || record.key().length == 0) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), DeadLetter.STAGE_PREPROCESS,
                    new ImageRejection.MissingId());
            return;
        }
        // Checked before anything is kept or forwarded: the id must be one the store and the gateway can hold, and the
        // headers small enough that the prediction, the dead letter and the buffer's changelog record are far under their
        // topics' limits (a record a topic refuses fails the transaction, on the same image after every restart).
        Optional<String> invalidId = ImageIds.problem(record.key());
        if (invalidId.isPresent()) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), DeadLetter.STAGE_PREPROCESS,
                    new ImageRejection.InvalidId(invalidId.get()));
            return;
        }
        long headerBytes = Headers.size(record.headers());
        if (headerBytes > Headers.MAX_IMAGE_HEADER_BYTES) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), DeadLetter.STAGE_PREPROCESS,
                    new ImageRejection.HeadersTooLarge(headerBytes, Headers.MAX_IMAGE_HEADER_BYTES));
            return;
        }
        float[] input;
        try {
            input = preprocessor.preprocess(record.value() == null ? new byte[0] : record.value()).pixels();
        } catch (ImageRejectedException e) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), DeadLetter.STAGE_PREPROCESS, e.rejection());
            return;
        }
        long position = context.recordMetadata().map(RecordMetadata::offset).orElseGet(() -> localSequence--);
        buffer.add(position, new PendingImage(record.key(), record.value(), record.headers().toArray(), record.timestamp()));
        unclassified.put(position, input);
        batch().join(this);
        startBatchDeadline(); // while images are pending a wait is scheduled; the forward that empties the buffer cancels it
        if (batch().size() >= settings.maxRecords()) {
            flush();
        }
    }

    private void flush() {
        Optional<RegisteredModel> model = models.current();
        if (model.isEmpty()) {
            warnMissingModel(); // the wait stays scheduled: the held images are tried again after it
            return;
        }
        decodeRestored();
        batch().classifyAll(model.get(), models.shadow(model.get()));
        forwardClassified();
    }

    /** Images restored after a crash come without pixels: decoded again here, where a failure can be dead-lettered. */
    private void decodeRestored() {
        if (unclassified.size() + classified.size() == buffer.size()) {
            return;
        }
        for (KeyValue<Long, PendingImage> entry : buffer.entries()) {
            if (unclassified.containsKey(entry.key) || classified.containsKey(entry.key)) {
                continue;
            }
            try {
                unclassified.put(entry.key, preprocessor.preprocess(entry.value.value()).pixels());
                batch().join(this);
            } catch (ImageRejectedException e) {
                buffer.remove(entry.key);
                deadLetter(entry.value, DeadLetter.STAGE_PREPROCESS, e.rejection().reason().code(), e.getMessage());
            }
        }
    }

    /** Forwards every classified image of this task, oldest first, and takes it out of the buffer; no wait is left once nothing is pending. */
    private void forwardClassified() {
        if (!classified.isEmpty()) {
            for (Map.Entry<Long, ThreadBatch.Outcome> entry : classified.entrySet()) {
                PendingImage image = buffer.remove(entry.getKey());
                ThreadBatch.Outcome outcome = entry.getValue();
                if (outcome.prediction() == null) {
                    deadLetter(image, DeadLetter.STAGE_CLASSIFY, "model-error", "the model failed on this image");
                } else {
                    // What the model saw goes with its answer, so that a person can see why it read a crooked photo wrong.
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(Headers.MODEL_INPUT, Headers.modelInput(outcome.input()));
                    context.forward(new Record<>(image.key(), PredictionJson.write(toPrediction(image, outcome.modelVersion(),
                            outcome.prediction(), outcome.classifiedAt())), image.timestamp(), headers), predictionsSink);
                    // The shadow's answer to the same input, in the same transaction, on its own topic: never an answer.
                    outcome.shadow().ifPresent(shadow -> context.forward(new Record<>(image.key(), PredictionJson.write(toPrediction(
                            image, shadow.modelVersion(), shadow.prediction(), outcome.classifiedAt())), image.timestamp(),
                            Headers.shadow(outcome.modelVersion(), outcome.prediction().label())), shadowSink));
                }
            }
            classified.clear();
        }
        if (buffer.size() == 0 && batchDeadline != null) {
            batchDeadline.cancel();
            batchDeadline = null;
        }
    }

    /** Pixels of this task's images that wait for the thread's next model call; the batch takes and clears them. */
    Map<Long, float[]> unclassified() {
        return unclassified;
    }

    /** The thread's batch classified one of this task's images. */
    void classified(long position, ThreadBatch.Outcome outcome) {
        classified.put(position, outcome);
    }

    private ThreadBatch batch() {
        if (batch == null) {
            batch = batches.current();
        }
        return batch;
    }

    @Override
    public void close() {
        if (batch != null) {
            batch.leave(this);
        }
        unclassified.clear();
        classified.clear();
    }

    private void warnMissingModel() {
        long now = clock.millis();
        if (now - missingModelWarnedAt > 30_000) {
            missingModelWarnedAt = now;
            log.warn("pinned model not available, holding images task={} pinned={} known={} pending={}", context.taskId(),
                    models.pinnedVersion().orElse("-"), models.knownVersions(), buffer.size());
        }
    }

    private Prediction toPrediction(PendingImage image, String modelVersion, DigitPrediction prediction, Instant classifiedAt) {
        org.apache.kafka.common.header.Headers headers = image.recordHeaders();
        List<Float> probabilities = new ArrayList<>(prediction.probabilities().length);
        for (float p : prediction.probabilities()) {
            probabilities.add(p);
        }
        return new Prediction(Prediction.SCHEMA, new String(image.key(), StandardCharsets.UTF_8), modelVersion,
                prediction.label(), prediction.confidence(), probabilities, trueLabel(headers),
                Headers.text(headers, Headers.SOURCE).orElse(null), submittedAt(headers, image.timestamp()), classifiedAt);
    }

    private static Integer trueLabel(org.apache.kafka.common.header.Headers headers) {
        return Headers.text(headers, Headers.LABEL).map(Headers::label).filter(OptionalInt::isPresent).map(OptionalInt::getAsInt)
                .orElse(null);
    }

    /** The {@code submitted-at} header, else the record's timestamp, else none: a producer may write any instant, or any text. */
    private static Instant submittedAt(org.apache.kafka.common.header.Headers headers, long timestamp) {
        return Headers.text(headers, Headers.SUBMITTED_AT).flatMap(Timestamps::parse)
                .or(() -> Timestamps.ofEpochMilli(timestamp)).orElse(null);
    }

    private void deadLetter(PendingImage image, String stage, String errorClass, String message) {
        forwardDeadLetter(image.key(), image.value(), image.recordHeaders(), image.timestamp(), stage, errorClass, message);
    }

    private void deadLetter(byte[] key, byte[] value, org.apache.kafka.common.header.Headers headers, long timestamp,
                            String stage, ImageRejection rejection) {
        forwardDeadLetter(key, value, headers, timestamp, stage, rejection.reason().code(), rejection.message());
    }

    private void forwardDeadLetter(byte[] key, byte[] value, org.apache.kafka.common.header.Headers headers, long timestamp,
                                   String stage, String errorClass, String message) {
        context.forward(DeadLetter.of(key, value, headers, timestamp, stage, errorClass, message, clock.instant()), deadLetterSink);
        metrics.deadLetter(stage, errorClass);
        log.debug("dead letter stage={} reason={} message=\"{}\"", stage, errorClass, message);
    }
}
