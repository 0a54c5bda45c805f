package io.inkstream.model.training;

import io.inkstream.image.artifact.Architecture;
import io.inkstream.image.artifact.ModelMetadata;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.evaluation.Evaluation;
import io.inkstream.model.network.DigitClassifier;
import io.inkstream.model.network.DigitPrediction;
import io.inkstream.model.network.NetworkConfigurations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a network on labelled digits, reporting each epoch's loss and validation accuracy, and
 * returns a versioned artifact. Deterministic for a given seed (one OpenMP thread, as the project
 * runs DL4J everywhere). The validation digits only measure: they are never trained on.
 */
public final class ModelTrainer {
    private static final Logger log = LoggerFactory.getLogger(ModelTrainer.class);
    private static final int EVALUATION_BATCH = 1000;
    /** Digits augmented between two steps of the progress bar. */
    private static final int AUGMENT_CHUNK = 2000;

    public TrainingResult train(LabelledDigits training, LabelledDigits validation, TrainingSettings settings) {
        return train(training, "mnist-train[0:" + training.size() + "]", validation, settings);
    }

    /** @param trainingName what the training digits are, as the artifact's metadata names them */
    public TrainingResult train(LabelledDigits training, String trainingName, LabelledDigits validation, TrainingSettings settings) {
        Architecture architecture = settings.architecture();
        Nd4j.getRandom().setSeed(settings.seed());
        MultiLayerNetwork network = new MultiLayerNetwork(NetworkConfigurations.of(architecture, settings.seed()));
        network.init();

        // Undistorted digits are built once and reshuffled each epoch; augmented ones are built anew each epoch instead
        // (a 50,000-digit set is 157 MB off the heap, not worth holding unused).
        DataSet undistorted = settings.augmenter().isPresent() ? null : toDataSet(training);
        List<EpochSummary> epochs = new ArrayList<>();
        INDArray bestWeights = null;
        double bestAccuracy = -1;
        int epochsWithoutGain = 0;
        log.info("training architecture={} train={} validation={} epochs={} batch={} seed={} augment={}", architecture.id(),
                training.size(), validation.size(), settings.epochs(), settings.batchSize(), settings.seed(), settings.augmenter().isPresent());

        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            long started = System.nanoTime();
            if (architecture.decaysLearningRate()) {
                network.setLearningRate(architecture.learningRate(epoch));
            }
            DataSet epochData = settings.augmenter().isPresent()
                    ? augmented(training, settings.augmenter().get(), settings.seed(), epoch)
                    : undistorted;
            epochData.shuffle(settings.seed() + epoch);
            List<DataSet> batches = epochData.batchBy(settings.batchSize());
            double lossSum = 0;
            try (ProgressBar bar = progressBar("epoch " + epoch + "/" + settings.epochs(), batches.size())) {
                for (DataSet batch : batches) {
                    network.fit(batch);
                    lossSum += network.score();
                    bar.step();
                    if (bar.getCurrent() % 50 == 0) {
                        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", lossSum / bar.getCurrent()));
                    }
                }
                double accuracy = evaluate(new DigitClassifier(network), validation).accuracy();
                EpochSummary summary = new EpochSummary(epoch, lossSum / batches.size(), accuracy,
                        (System.nanoTime() - started) / 1_000_000);
                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f val_acc %.4f", summary.meanLoss(), accuracy));
                epochs.add(summary);
                log.info("epoch={} loss={} validation_accuracy={} epoch_ms={}", epoch,
                        String.format(Locale.ROOT, "%.4f", summary.meanLoss()),
                        String.format(Locale.ROOT, "%.4f", accuracy), summary.millis());
                if (accuracy > bestAccuracy) {
                    bestAccuracy = accuracy;
                    bestWeights = network.params().dup();
                    epochsWithoutGain = 0;
                } else if (settings.earlyStoppingPatience() > 0 && ++epochsWithoutGain >= settings.earlyStoppingPatience()) {
                    log.info("early stop epoch={} best_validation_accuracy={}", epoch, bestAccuracy);
                    break;
                }
            }
        }
        if (settings.earlyStoppingPatience() > 0 && bestWeights != null) {
            network.setParams(bestWeights);
        }

        Evaluation evaluation = evaluate(new DigitClassifier(network), validation);
        Map<String, Object> hyperParameters = new HashMap<>(architecture.hyperParameters());
        hyperParameters.put("epochs", epochs.size());
        hyperParameters.put("batchSize", settings.batchSize());
        hyperParameters.put("seed", settings.seed());
        hyperParameters.put("earlyStoppingPatience", settings.earlyStoppingPatience());
        settings.augmenter().ifPresent(augmenter -> hyperParameters.put("augmentation", augmenter.description()));
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT_VERSION,
                ModelArtifact.versionOf(architecture, network), architecture.id(), ModelMetadata.InputSpec.MNIST,
                new ModelMetadata.TrainingData(trainingName, training.size(), training.sha256()),
                hyperParameters, evaluation.accuracy(), evaluation.total(), Instant.now(), null);
        return new TrainingResult(new ModelArtifact(metadata, network), evaluation, epochs);
    }

    /** Classifies every digit in batches and compares with the labels. */
    public static Evaluation evaluate(DigitClassifier classifier, LabelledDigits digits) {
        int[] actual = new int[digits.size()];
        int[] predicted = new int[digits.size()];
        for (int start = 0; start < digits.size(); start += EVALUATION_BATCH) {
            int end = Math.min(digits.size(), start + EVALUATION_BATCH);
            List<float[]> batch = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                batch.add(digits.images().imageFloats(i));
            }
            List<DigitPrediction> predictions = classifier.classify(batch);
            for (int i = start; i < end; i++) {
                actual[i] = digits.label(i);
                predicted[i] = predictions.get(i - start).label();
            }
        }
        return Evaluation.of(actual, predicted);
    }

    private static DataSet toDataSet(LabelledDigits digits) {
        byte[] pixels = digits.images().pixels();
        float[] features = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            features[i] = (pixels[i] & 0xff) / 255f;
        }
        return dataSet(features, digits);
    }

    /**
     * Every training digit distorted anew for this epoch, each by a random stream of its own (from the
     * seed, the epoch and its index), so the same seed trains the same model however the work is split
     * over the cores.
     */
    private static DataSet augmented(LabelledDigits digits, DigitAugmenter augmenter, long seed, int epoch) {
        int count = digits.size();
        int inputs = digits.images().pixelsPerImage();
        float[] features = new float[count * inputs];
        try (ProgressBar bar = progressBar("augment " + epoch, count)) {
            for (int start = 0; start < count; start += AUGMENT_CHUNK) {
                int end = Math.min(count, start + AUGMENT_CHUNK);
                IntStream.range(start, end).parallel().forEach(i -> System.arraycopy(
                        augmenter.augment(digits.images().imageFloats(i), new Random(mix(mix(seed) + epoch) + i)), 0, features, i * inputs, inputs));
                bar.stepTo(end);
            }
        }
        return dataSet(features, digits);
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated seeds (java.util.Random's first values follow its seed). */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static DataSet dataSet(float[] features, LabelledDigits digits) {
        int count = digits.size();
        float[] labels = new float[count * Architecture.CLASSES];
        for (int i = 0; i < count; i++) {
            labels[i * Architecture.CLASSES + digits.label(i)] = 1f;
        }
        return new DataSet(Nd4j.create(features, new long[] {count, digits.images().pixelsPerImage()}, 'c'),
                Nd4j.create(labels, new long[] {count, Architecture.CLASSES}, 'c'));
    }

    /** A live bar on a terminal; elsewhere (CI, files) the per-epoch log line says it all. */
    private static ProgressBar progressBar(String task, long max) {
        boolean terminal = System.console() != null;
        ProgressBarConsumer consumer = terminal
                ? new ConsoleProgressBarConsumer(System.err)
                : new DelegatingProgressBarConsumer(line -> { });
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(250)
                .setConsumer(consumer)
                .build();
    }
}
