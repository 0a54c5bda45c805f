package io.inkstream.store;

/** How a shadow model is doing: how often it agreed with the active model, and how it did on producers' labels. */
public record ShadowAccuracy(String modelVersion, long predictions, long agreed, long labelled, long correct) {
    public double agreement() {
        return predictions == 0 ? Double.NaN : (double) agreed / predictions;
    }

    public double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
}
