package io.inkstream.store;

/** How a model did on the images whose true digit was given. */
public record ModelAccuracy(String modelVersion, long predictions, long labelled, long correct) {
    public double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
}
