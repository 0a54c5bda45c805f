package io.inkstream.classifier.reclassify;

/** How far a reclassify run is: images-topic records consumed against the end offsets taken at its start. */
public record ReclassifyProgress(long done, long total) {
    public double share() {
        return total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
    }
}
