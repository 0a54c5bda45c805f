package io.inkstream.cli.model;

import io.inkstream.cli.charts.ConfusionMatrixChart;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.data.BundledMnist;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.evaluation.Evaluation;
import io.inkstream.model.training.ModelTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Measures a model on labelled IDX digits: accuracy, per-digit precision and recall,",
                "confusion matrix. Default: the 10,000 bundled validation digits."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGES_IDX", description = "IDX images, plain or .gz.")
    Path images;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LABELS_IDX", description = "IDX labels, plain or .gz.")
    Path labels;

    @Option(names = "--png", paramLabel = "FILE", description = "Also draw the confusion matrix into this PNG.")
    Path png;

    @Override
    public Integer call() throws Exception {
        ModelArtifact artifact = model.load();
        LabelledDigits digits;
        if (images == null) {
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
