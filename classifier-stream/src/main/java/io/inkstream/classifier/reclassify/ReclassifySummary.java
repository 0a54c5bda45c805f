package io.inkstream.classifier.reclassify;

import java.util.Locale;

/**
 * What a reclassify run achieved, computed from the committed predictions topic.
 *
 * @param modelVersion       the model the run used
 * @param processedThisRun   images-topic records the run consumed (0 when an earlier run already did all)
 * @param images             images that have a prediction by this model
 * @param comparedImages     of those, images that a different model had classified before
 * @param agreeing           of those, images both models gave the same digit
 * @param labelled           images with a true label
 * @param correct            of those, images this model got right
 * @param previousCorrect    of the labelled ones classified before, images the previous model got right
 * @param previousLabelled   labelled images that a previous model classified
 */
public record ReclassifySummary(String modelVersion, long processedThisRun, long images, long comparedImages, long agreeing,
                                long labelled, long correct, long previousLabelled, long previousCorrect) {

    public double agreement() {
        return comparedImages == 0 ? Double.NaN : (double) agreeing / comparedImages;
    }

    public double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }

    public double previousAccuracy() {
        return previousLabelled == 0 ? Double.NaN : (double) previousCorrect / previousLabelled;
    }

    public String describe() {
        return String.format(Locale.ROOT,
                "reclassify model=%s processed_this_run=%d images=%d agreement_with_previous=%s (%d of %d) accuracy=%s (%d of %d labelled) previous_accuracy=%s",
                modelVersion, processedThisRun, images, percent(agreement()), agreeing, comparedImages,
                percent(accuracy()), correct, labelled, percent(previousAccuracy()));
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }
}
