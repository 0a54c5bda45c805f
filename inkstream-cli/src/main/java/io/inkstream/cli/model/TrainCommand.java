package io.inkstream.cli.model;

import io.inkstream.cli.charts.ConfusionMatrixChart;
import io.inkstream.cli.kafka.KafkaOption;
import io.inkstream.image.artifact.Architecture;
import io.inkstream.image.artifact.ModelSigningKey;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.artifact.ShippedModels;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.training.DigitAugmenter;
import io.inkstream.model.training.ModelTrainer;
import io.inkstream.model.training.TrainingResult;
import io.inkstream.model.training.TrainingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Trains a model on the bundled MNIST digits, and on people's corrections with --with-corrections.",
        description = "Trains a model on the bundled MNIST digits (the first 50,000; the last 10,000 validate), and with "
                + "--with-corrections on the images people corrected too, and writes the artifact, the evaluation report and the "
                + "confusion matrix PNG.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--architecture", defaultValue = "v3", paramLabel = "NAME",
            description = "seed (784-64-32-10 sigmoid), v2 (784-256-128-10 ReLU, dropout) or v3 (784-512-256-10 ReLU, dropout, "
                    + "decaying learning rate, distorted digits). Default: ${DEFAULT-VALUE}.")
    String architecture;

    @Option(names = "--epochs", description = "Epochs (default: 10 for seed, 20 for v2, 30 for v3).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Digits per step (default: 64).")
    Integer batchSize;

    @Option(names = "--seed", description = "Random seed: the same seed gives the same model (default: 123).")
    Long seed;

    @Option(names = "--early-stopping", paramLabel = "EPOCHS", defaultValue = "0",
            description = "Stop after this many epochs without a better validation accuracy; 0 = off.")
    int patience;

    @Option(names = "--train-images", paramLabel = "IDX", description = "Train on these IDX images (plain or .gz) instead of the bundled set...")
    Path trainImages;

    @Option(names = "--train-labels", paramLabel = "IDX", description = "...with these labels; the last 10,000 are held out.")
    Path trainLabels;

    @Mixin
    SigningOptions signing;

    @Option(names = "--augment", negatable = true, description = "Distort every training digit anew each epoch (rotation, scale, "
            + "shear, shift, elastic distortion, thicker and thinner strokes), the same way for the same seed. Default: on for v3, "
            + "off for seed and v2.")
    Boolean augment;

    @Option(names = "--with-corrections", description = "Also train on the images people corrected: the label most of each image's "
            + "labellers give on the corrections topic (an image they disagree on is left out), its bytes from the images topic "
            + "(--bootstrap), read by the classifier's preprocessing. A share of them (--corrections-held-out) is kept out of "
            + "training, to say how the new model does on corrections it never saw.")
    boolean withCorrections;

    @Option(names = "--corrections-weight", defaultValue = "20", paramLabel = "N",
            description = "Each corrected image counts as N training digits (with augmentation, N different distortions; "
                    + "default: ${DEFAULT-VALUE}, against 50,000 MNIST digits).")
    int correctionsWeight;

    @Option(names = "--corrections-held-out", defaultValue = "0.2", paramLabel = "FRACTION",
            description = "Share of the corrected images never trained on, chosen by image id (default: ${DEFAULT-VALUE}).")
    double correctionsHeldOut;

    @Option(names = "--corrections-per-labeller", defaultValue = "200", paramLabel = "N",
            description = "At most N corrected images of any one labeller (the gateway names each by a pseudonym of its client), the "
                    + "first on the images topic; the rest are left out, so that no one who labels many images wrong outweighs "
                    + "everyone else (default: ${DEFAULT-VALUE}). Corrections that name no labeller are not capped.")
    int correctionsPerLabeller;

    @Option(names = "--exclude-labeller", paramLabel = "LABELLER",
            description = "Leave out every correction of this labeller (repeatable): the pseudonym the report names beside the "
                    + "largest share.")
    List<String> excludedLabellers = new ArrayList<>();

    @Option(names = "--compare-with", paramLabel = "FILE",
            description = "With --with-corrections: the model the report compares with on the corrected images (default: the "
                    + "shipped default).")
    Path compareWith;

    @Mixin
    KafkaOption kafka;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Artifact to write. Default: .inkstream-data/models/<version>.zip")
    Path output;

    @Override
    public Integer call() throws Exception {
        Architecture chosen = Architecture.byId(architecture);
        TrainingSettings defaults = TrainingSettings.defaults(chosen);
        TrainingSettings settings = new TrainingSettings(chosen,
                epochs == null ? defaults.epochs() : epochs,
                batchSize == null ? defaults.batchSize() : batchSize,
                seed == null ? defaults.seed() : seed,
                patience, augment == null ? defaults.augmenter() : augment ? Optional.of(DigitAugmenter.STANDARD) : Optional.empty());
        BundledMnist.Split split = split();
        LabelledDigits training = split.training();
        String trainingName = "mnist-train[0:" + training.size() + "]";
        Optional<CorrectionsReport> corrections = Optional.empty();
        if (withCorrections) {
            if (correctionsWeight < 1 || correctionsHeldOut < 0 || correctionsHeldOut >= 1 || correctionsPerLabeller < 1) {
                throw new IllegalArgumentException("--corrections-weight and --corrections-per-labeller are at least 1 and "
                        + "--corrections-held-out from 0 to below 1");
            }
            Set<String> excluded = Set.copyOf(excludedLabellers);
            CorrectionsReport report = CorrectionsReport.read(kafka.clientProperties(), correctionsHeldOut, correctionsPerLabeller, excluded);
            System.out.println(report.found());
            training = training.followedBy(report.trainedOn(), correctionsWeight);
            trainingName += " + corrections[" + report.trainedOn().size() + " x " + correctionsWeight + ", at most "
                    + correctionsPerLabeller + " a labeller" + (excluded.isEmpty() ? "" : ", " + excluded.size() + " excluded") + "]";
            System.out.printf(Locale.ROOT, "training on %d MNIST digits + %d corrected images x %d = %d digits%n",
                    split.training().size(), report.trainedOn().size(), correctionsWeight, training.size());
            corrections = Optional.of(report);
        }

        TrainingResult result = new ModelTrainer().train(training, trainingName, split.validation(), settings);

        String version = result.artifact().version();
        Path artifactFile = output != null ? output : Path.of(".inkstream-data", "models", version + ".zip");
        Optional<ModelSigningKey> key = signing.key();
        if (key.isPresent()) {
            result.artifact().write(artifactFile, key.get());
        } else {
            result.artifact().write(artifactFile);
        }
        String base = artifactFile.getFileName().toString().replaceFirst("\\.zip$", "");
        Path report = artifactFile.resolveSibling(base + ".evaluation.txt");
        Path chart = artifactFile.resolveSibling(base + ".confusion.png");
        Files.writeString(report, result.validation().report());
        ConfusionMatrixChart.write(result.validation(), version + " on " + split.validation().size() + " held-out digits", chart);

        System.out.println(result.validation().report());
        System.out.printf(Locale.ROOT, "model %s: validation accuracy %.2f%% on %d held-out digits%n",
                version, 100 * result.validation().accuracy(), result.validation().total());
        if (corrections.isPresent()) {
            String comparison = corrections.get().compare(result.artifact(), compareWith == null ? ShippedModels.DEFAULT.load()
                    : ModelArtifact.read(compareWith));
            System.out.print(comparison);
            Files.writeString(report, comparison, java.nio.file.StandardOpenOption.APPEND);
        }
        System.out.println("artifact " + artifactFile);
        System.out.println("report   " + report);
        System.out.println("chart    " + chart);
        return 0;
    }

    private BundledMnist.Split split() throws IOException {
        if (trainImages == null && trainLabels == null) {
            return BundledMnist.split();
        }
        if (trainImages == null || trainLabels == null) {
            throw new IllegalArgumentException("--train-images and --train-labels go together");
        }
        LabelledDigits all = LabelledDigits.read(trainImages, trainLabels);
        int held = Math.min(BundledMnist.VALIDATION_SIZE, all.size() / 6);
        if (held < 1) {
            throw new IllegalArgumentException(trainImages + " holds too few digits to hold any out (" + all.size() + ")");
        }
        return new BundledMnist.Split(all.range(0, all.size() - held), all.range(all.size() - held, all.size()));
    }
}
