package io.inkstream.classifier.batching;

import io.inkstream.classifier.metrics.ClassifierMetrics;
import io.inkstream.classifier.models.RegisteredModel;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images waiting on one stream thread, from every task it runs, classified in one model call.
 *
 * <p>Each partition of {@code images} is a task, and a thread runs several. Batching per task gave
 * one model call (and its fixed cost) per task and wait: at 500 uploads/s on 6 partitions, batches
 * of one or two images. The thread runs its tasks one after another, so a batch confined to the
 * thread needs no lock: any task's flush classifies what every task of the thread holds, and each
 * task forwards its own results in its own context (its next record or its own wait), so that its
 * outputs and input offsets stay in the transaction that commits them, and a task's images stay in
 * its own buffer, changelogged at commit, until it has forwarded them.
 *
 * <p>Not thread-safe by design: one per stream thread (see {@link ThreadBatches}); the thread's
 * network lives here too, since a DL4J network is not thread-safe either.
 */
public final class ThreadBatch {
    private static final Logger log = LoggerFactory.getLogger(ThreadBatch.class);

    /**
     * What classifying an image gave: the prediction, or null when the model failed on it, and the input it was given; and the
     * shadow model's answer to the same input, if one ran.
     */
    record Outcome(String modelVersion, DigitPrediction prediction, Instant classifiedAt, float[] input, Optional<Shadow> shadow) {
    }

    /** The shadow model's answer to an image, never its answer: compared with the active model's. */
    record Shadow(String modelVersion, DigitPrediction prediction) {
    }

    private final ClassifierMetrics metrics;
    private final Clock clock;
    /** Tasks of this thread holding images not yet classified. */
    private final Set<BatchingClassifierProcessor> waiting = new LinkedHashSet<>();
    /** The thread's network of the current model, and of the shadow while there is one. */
    private final Network active = new Network("model");
    private final Network shadow = new Network("shadow model");

    ThreadBatch(ClassifierMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A task now holds images to classify. */
    void join(BatchingClassifierProcessor task) {
        waiting.add(task);
    }

    /** A task is closed: it holds nothing any more (what it buffered is restored by its next owner). */
    void leave(BatchingClassifierProcessor task) {
        waiting.remove(task);
    }

    /** Images waiting on this thread, all tasks together. */
    int size() {
        int size = 0;
        for (BatchingClassifierProcessor task : waiting) {
            size += task.unclassified().size();
        }
        return size;
    }

    /**
     * Classifies every waiting image of every task of this thread in one model call (and, with a shadow model, one call of it on
     * the same inputs) and hands each task its outcomes.
     */
    void classifyAll(RegisteredModel model, Optional<RegisteredModel> shadowModel) {
        if (active.use(model)) {
            metrics.modelInUse(model.version());
        }
        shadowModel.ifPresentOrElse(shadow::use, shadow::drop);
        List<BatchingClassifierProcessor> owners = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (BatchingClassifierProcessor task : waiting) {
            for (Map.Entry<Long, float[]> image : new TreeMap<>(task.unclassified()).entrySet()) {
                owners.add(task);
                positions.add(image.getKey());
                inputs.add(image.getValue());
            }
            task.unclassified().clear();
        }
        waiting.clear();
        if (inputs.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<DigitPrediction> predictions = classify(active.classifier, inputs);
        metrics.batch(inputs.size(), System.nanoTime() - started);
        List<DigitPrediction> shadowPredictions = null;
        if (shadow.classifier != null) {
            long shadowStarted = System.nanoTime();
            shadowPredictions = classify(shadow.classifier, inputs);
            metrics.shadowBatch(inputs.size(), System.nanoTime() - shadowStarted);
        }
        Instant classifiedAt = clock.instant();
        for (int i = 0; i < inputs.size(); i++) {
            DigitPrediction shadowPrediction = shadowPredictions == null ? null : shadowPredictions.get(i);
            Optional<Shadow> shadowAnswer = shadowPrediction == null ? Optional.empty() : Optional.of(new Shadow(shadow.version, shadowPrediction));
            owners.get(i).classified(positions.get(i), new Outcome(active.version, predictions.get(i), classifiedAt, inputs.get(i),
                    shadowAnswer));
        }
    }

    /** One batched call; if the model throws, each image alone, so one bad input cannot sink its batch. */
    private static List<DigitPrediction> classify(DigitClassifier classifier, List<float[]> inputs) {
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

    /** A model's network on this thread, built once per version from the registered artifact. */
    private static final class Network {
        private final String role;
        private DigitClassifier classifier;
        private String version;

        Network(String role) {
            this.role = role;
        }

        /** Uses {@code model} from now on; returns true if it was not in use before. */
        boolean use(RegisteredModel model) {
            if (model.version().equals(version)) {
                return false;
            }
            classifier = model.newClassifier();
            log.info("{} in use thread={} version={} previous={}", role, Thread.currentThread().getName(), model.version(), version);
            version = model.version();
            return true;
        }

        void drop() {
            if (classifier != null) {
                log.info("{} dropped thread={} version={}", role, Thread.currentThread().getName(), version);
                classifier = null;
                version = null;
            }
        }
    }
}
