package io.inkstream.cli.model;

import io.inkstream.cli.ConsoleProgress;
import io.inkstream.cli.charts.ConfusionMatrixChart;
import io.inkstream.cli.options.OptionChecks;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.evaluation.Evaluation;
import io.inkstream.model.training.ModelTrainer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Measures a model on labelled digits, the official test set, or real-world renders.",
        description = "Measures a model on labelled IDX digits: accuracy, per-digit precision and recall, "
                + "confusion matrix. Default: the 10,000 bundled validation digits; --test: the official 10,000 test digits; "
                + "--real-world: held-out digits rendered as people send them (tilted, in perspective, unevenly lit, on ruled "
                + "or tinted paper, blurred, low-quality JPEG, marker and fine pen, off-centre, inverted, phone photos, phone "
                + "photos stored turned with an EXIF orientation, written in a form's box or on its line, notes photographed "
                + "on a desk, light pencil, squared paper, and glare), read through the pipeline's preprocessing, accuracy per condition and per format.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGES_IDX", description = "IDX images, plain or .gz.")
    Path images;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LABELS_IDX", description = "IDX labels, plain or .gz.")
    Path labels;

    @Option(names = "--png", paramLabel = "FILE", description = "Also draw the confusion matrix into this PNG.")
    Path png;

    @Option(names = "--test", description = "The official MNIST test set (10,000 digits by other writers) instead of the validation digits.")
    boolean test;

    @Option(names = "--real-world", description = "Render held-out digits under every condition and read them as uploads.")
    boolean realWorld;

    @Option(names = "--count", paramLabel = "N", defaultValue = "300",
            description = "With --real-world: digits per condition (the first N held-out ones). Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + RealWorldEvaluation.DEFAULT_SEED,
            description = "With --real-world: the renders' seed; the same seed draws the same pictures. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--save", paramLabel = "DIR", description = "With --real-world: also write every render into DIR/<condition>/.")
    Path save;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--count", count, 1);
        ModelArtifact artifact = model.load();
        if ((test || realWorld) && images != null) {
            throw new IllegalArgumentException("--test and --real-world bring their own digits: give no IDX files with them");
        }
        if (test && realWorld) {
            throw new IllegalArgumentException("--test or --real-world, not both");
        }
        if (realWorld) {
            RealWorldEvaluation.Result result;
            try (ProgressBar bar = ConsoleProgress.bar("rendering and reading", "renders")) {
                result = new RealWorldEvaluation(new DigitPreprocessor(), seed, Optional.ofNullable(save))
                        .evaluate(artifact.classifier(), artifact.version(), BundledMnist.validation(), count, bar);
            }
            System.out.println(result.report());
            System.out.println(result.summary());
            return 0;
        }
        LabelledDigits digits;
        if (test) {
            digits = BundledMnist.test();
        } else if (images == null) {
            digits = BundledMnist.validation();
        } else if (labels == null) {
            throw new IllegalArgumentException("give both IMAGES_IDX and LABELS_IDX, or neither");
        } else {
            digits = LabelledDigits.read(images, labels);
        }
        Evaluation evaluation = ModelTrainer.evaluate(artifact.classifier(), digits);
        System.out.println("model " + artifact.version() + " on " + digits.size() + " digits");
        System.out.println(evaluation.report());
        if (png != null) {
            ConfusionMatrixChart.write(evaluation, artifact.version(), png);
            System.out.println("chart " + png);
        }
        return 0;
    }
}
