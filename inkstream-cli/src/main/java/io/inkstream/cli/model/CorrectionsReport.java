package io.inkstream.cli.model;

import io.inkstream.cli.ConsoleProgress;
import io.inkstream.image.DigitPreprocessor;
import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.data.LabelledDigits;
import io.inkstream.model.evaluation.Evaluation;
import io.inkstream.model.training.ModelTrainer;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;

/**
 * The corrected images of a {@code train --with-corrections}, split by image id into those trained on and those held out, and
 * how a model does on each: what the training report says about corrections.
 */
final class CorrectionsReport {
    private final CorrectedImages.Found found;
    private final int perLabeller;
    private final CorrectedImages.Capped capped;
    private final List<CorrectedImages.Corrected> trainedOn;
    private final List<CorrectedImages.Corrected> heldOut;

    /** The cap comes before the split: images beyond it are neither trained on nor held out to judge the new model by. */
    CorrectionsReport(CorrectedImages.Found found, double heldOutFraction, int perLabeller, Set<String> excluded) {
        this.found = found;
        this.perLabeller = perLabeller;
        this.capped = CorrectedImages.capped(found.images(), perLabeller, excluded);
        this.trainedOn = capped.kept().stream().filter(c -> !c.heldOut(heldOutFraction)).toList();
        this.heldOut = capped.kept().stream().filter(c -> c.heldOut(heldOutFraction)).toList();
    }

    static CorrectionsReport read(Properties client, double heldOutFraction, int perLabeller, Set<String> excluded) {
        CorrectedImages.Found found;
        try (ProgressBar bar = ConsoleProgress.bar("reading corrections and images", "records")) {
            found = CorrectedImages.read(client, new DigitPreprocessor(), bar);
        }
        return new CorrectionsReport(found, heldOutFraction, perLabeller, excluded);
    }

    /** What was read, in two lines: the images, and who labelled them (an image counts against the first to give its label). */
    String found() {
        String images = String.format(Locale.ROOT, "corrections: %d images corrected, %d found on the images topic (%d trained on, %d held "
                        + "out); %d not on the topic, %d refused by the preprocessing, %d records skipped (not corrections)",
                found.corrected(), found.images().size(), trainedOn.size(), heldOut.size(), found.notFound(), found.refused(),
                found.invalid());
        String labellers = String.format(Locale.ROOT, "labellers: %d named, %d images naming none; %d contested (as many labellers give "
                        + "another digit: left out); the most one gives is %d of the %d images kept (%.0f%%, labeller %s); %d left out "
                        + "beyond --corrections-per-labeller %d (labellers over it: %d); %d of excluded labellers only; %s",
                capped.labellers(), capped.unnamed(), capped.contested(), capped.largest(), capped.kept().size(),
                capped.kept().isEmpty() ? 0.0 : 100.0 * capped.largest() / capped.kept().size(),
                capped.largestLabeller() == null ? "none" : capped.largestLabeller(), capped.leftOut(), perLabeller, capped.over(),
                capped.excluded(), capped.dissent() == null ? "no labeller disagrees with another"
                        : String.format(Locale.ROOT, "labeller %s disagrees with others the most, on %d of the %d images it labelled",
                        capped.dissent().labeller(), capped.dissent().disagreed(), capped.dissent().labelled()));
        return images + "\n" + labellers;
    }

    LabelledDigits trainedOn() {
        return CorrectedImages.Found.digits(trainedOn);
    }

    /** How the new model and the one it is compared with do on the corrected images, held out and trained on. */
    String compare(ModelArtifact trained, ModelArtifact before) {
        StringBuilder text = new StringBuilder("\ncorrected images (people's labels):\n");
        line(text, "held out (never trained on)", heldOut, trained, before);
        line(text, "trained on", trainedOn, trained, before);
        return text.toString();
    }

    private static void line(StringBuilder text, String what, List<CorrectedImages.Corrected> images, ModelArtifact trained,
                             ModelArtifact before) {
        if (images.isEmpty()) {
            text.append(String.format(Locale.ROOT, "  %-28s none%n", what));
            return;
        }
        LabelledDigits digits = CorrectedImages.Found.digits(images);
        Evaluation now = ModelTrainer.evaluate(trained.classifier(), digits);
        Evaluation then = ModelTrainer.evaluate(before.classifier(), digits);
        text.append(String.format(Locale.ROOT, "  %-28s %5d images: new model %s %.2f%% (%d right), %s %.2f%% (%d right)%n", what,
                images.size(), trained.version(), 100 * now.accuracy(), now.correct(), before.version(), 100 * then.accuracy(), then.correct()));
    }
}
