package io.inkstream.classifier.batching;

import io.inkstream.classifier.deadletter.DeadLetter;
import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.ModelRegistry;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.rejection.ImageRejectedException;
import io.inkstream.contract.rejection.ImageRejection;
import io.inkstream.contract.topic.Headers;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import io.inkstream.model.preprocess.DigitPreprocessor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * topic) and buffers the good ones; classifies the buffer in one batched model call when it holds
 * {@code maxRecords} images or when {@code maxWait} has passed.
 *
 * <p>The buffer is a state store, not a list: under exactly-once the input offsets of buffered
 * images commit with the task, so an in-memory list would lose them on a crash. The
 * {@link PendingImageBuffer} writes what is pending at each commit to its changelog in the same
 * transaction, and {@link #init} finds whatever a crashed instance left pending. Entries are keyed
 * by input offset (the task owns one partition), so the same image id sent twice gives two
 * predictions, as it was sent twice.
 *
 * <p>The wait is a wall-clock punctuator scheduled when the first image of a batch arrives and
 * cancelled when the batch is classified, not one that ticks forever: Kafka Streams commits a task
 * after every punctuation, so a permanent 20 ms tick made each idle task commit an empty
 * transaction every commit interval.
 *
 * <p>The model is re-read between batches: a newly published model takes over at the next batch.
 */
public final class BatchingClassifierProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(BatchingClassifierProcessor.class);

    private final String bufferStoreName;
    private final String predictionsSink;
    private final String deadLetterSink;
    private final BatchSettings batch;
    private final ModelRegistry models;
    private final DigitPreprocessor preprocessor;
    private final ClassifierMetrics metrics;
    private final Clock clock;

    /** Preprocessed pixels of buffered images, so the flush need not decode them again. Lost on a crash: then they are recomputed. */
    private final Map<Long, float[]> pixels = new HashMap<>();
    private ProcessorContext<byte[], byte[]> context;
    private PendingImageBuffer buffer;
    private long localSequence = -1;
    private String classifierVersion;
    private DigitClassifier classifier;
    private long missingModelWarnedAt;
    /** The running batch's deadline; null while nothing waits. */
    private Cancellable batchDeadline;

    public BatchingClassifierProcessor(String bufferStoreName, String predictionsSink, String deadLetterSink, BatchSettings batch,
                                       ModelRegistry models, DigitPreprocessor preprocessor, ClassifierMetrics metrics, Clock clock) {
        this.bufferStoreName = bufferStoreName;
        this.predictionsSink = predictionsSink;
        this.deadLetterSink = deadLetterSink;
        this.batch = batch;
        this.models = models;
        this.preprocessor = preprocessor;
        this.metrics = metrics;
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
            batchDeadline = context.schedule(batch.maxWait(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null || record.key().length == 0) {
            deadLetter(record.key(), record.value(), record.headers(), record.timestamp(), DeadLetter.STAGE_PREPROCESS,
                    new ImageRejection.MissingId());
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
        pixels.put(position, input);
        startBatchDeadline(); // while images are pending a wait is scheduled; the flush that takes them cancels it
        if (buffer.size() >= batch.maxRecords()) {
            flush();
        }
    }

    private void flush() {
        Optional<RegisteredModel> model = models.current();
        if (model.isEmpty()) {
            warnMissingModel(); // the wait stays scheduled: the held images are tried again after it
            return;
        }
        useModel(model.get());
        if (batchDeadline != null) {
            batchDeadline.cancel();
            batchDeadline = null;
        }

        List<KeyValue<Long, PendingImage>> entries = buffer.drain();
        List<KeyValue<Long, PendingImage>> ready = new ArrayList<>(entries.size());
        List<float[]> inputs = new ArrayList<>(entries.size());
        for (KeyValue<Long, PendingImage> entry : entries) {
            float[] input = pixels.remove(entry.key);
            if (input == null) { // restored after a crash: decode again
                try {
                    input = preprocessor.preprocess(entry.value.value()).pixels();
                } catch (ImageRejectedException e) {
                    deadLetter(entry.value, DeadLetter.STAGE_PREPROCESS, e.rejection().reason().code(), e.getMessage());
                    continue;
                }
            }
            ready.add(entry);
            inputs.add(input);
        }

        long started = System.nanoTime();
        List<DigitPrediction> predictions = classify(inputs);
        metrics.batch(inputs.size(), System.nanoTime() - started);
        Instant classifiedAt = clock.instant();
        for (int i = 0; i < ready.size(); i++) {
            PendingImage image = ready.get(i).value;
            DigitPrediction prediction = predictions.get(i);
            if (prediction == null) {
                deadLetter(image, DeadLetter.STAGE_CLASSIFY, "model-error", "the model failed on this image");
            } else {
                context.forward(new Record<>(image.key(), PredictionJson.write(toPrediction(image, prediction, classifiedAt)),
                        image.timestamp(), new RecordHeaders()), predictionsSink);
            }
        }
    }

    /** One batched call; if the model throws, each image alone, so one bad input cannot sink its batch. */
    private List<DigitPrediction> classify(List<float[]> inputs) {
        try {
            return classifier.classify(inputs);
        } catch (RuntimeException batchFailure) {
            log.warn("batch classification failed, retrying one by one size={} error=\"{}\"", inputs.size(), batchFailure.toString());
            List<DigitPrediction> predictions = new ArrayList<>(inputs.size());
            for (float[] input : inputs) {
                try {
                    predictions.add(classifier.classify(input));
                } catch (RuntimeException e) {
                    predictions.add(null);
                }
            }
            return predictions;
        }
    }

    private void useModel(RegisteredModel model) {
        if (model.version().equals(classifierVersion)) {
            return;
        }
        classifier = model.newClassifier();
        log.info("model in use task={} version={} previous={}", context.taskId(), model.version(), classifierVersion);
        classifierVersion = model.version();
        metrics.modelInUse(model.version());
    }

    private void warnMissingModel() {
        long now = clock.millis();
        if (now - missingModelWarnedAt > 30_000) {
            missingModelWarnedAt = now;
            log.warn("pinned model not available, holding images task={} pinned={} known={} pending={}", context.taskId(),
                    models.pinnedVersion().orElse("-"), models.knownVersions(), buffer.size());
        }
    }

    private Prediction toPrediction(PendingImage image, DigitPrediction prediction, Instant classifiedAt) {
        org.apache.kafka.common.header.Headers headers = image.recordHeaders();
        List<Float> probabilities = new ArrayList<>(prediction.probabilities().length);
        for (float p : prediction.probabilities()) {
            probabilities.add(p);
        }
        return new Prediction(Prediction.SCHEMA, new String(image.key(), StandardCharsets.UTF_8), classifierVersion,
                prediction.label(), prediction.confidence(), probabilities, trueLabel(headers),
                Headers.text(headers, Headers.SOURCE).orElse(null), submittedAt(headers, image.timestamp()), classifiedAt);
    }

    private static Integer trueLabel(org.apache.kafka.common.header.Headers headers) {
        return Headers.text(headers, Headers.LABEL)
                .map(String::strip)
                .filter(text -> text.matches("[0-9]"))
                .map(Integer::valueOf)
                .orElse(null);
    }

    private static Instant submittedAt(org.apache.kafka.common.header.Headers headers, long timestamp) {
        return Headers.text(headers, Headers.SUBMITTED_AT).flatMap(text -> {
            try {
                return Optional.of(Instant.parse(text.strip()));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }).orElseGet(() -> Instant.ofEpochMilli(timestamp));
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
