package io.inkstream.store;

import io.inkstream.contract.prediction.Prediction;

/**
 * A shadow model's running counts over one partition of the shadow predictions topic, up to and including the record at
 * {@code countedTo}: as {@link PredictionTally}, plus how many of its answers agreed with the active model's on the same
 * image (the active model of each image, whichever it was then). Counting a record again changes nothing.
 *
 * @param countedTo the offset of the last record counted, -1 before the first
 */
public record ShadowTally(String modelVersion, int partition, long countedTo, long predictions, long agreed, long labelled,
                          long correct) {
    /** Nothing counted yet. */
    public static ShadowTally empty(String modelVersion, int partition) {
        return new ShadowTally(modelVersion, partition, -1, 0, 0, 0, 0);
    }

    /**
     * This tally with the shadow prediction at {@code offset} counted, the active model having said {@code activeLabel} (null
     * when unknown: not counted as agreeing); this same tally if that offset is already counted.
     */
    public ShadowTally count(long offset, Prediction prediction, Integer activeLabel) {
        if (offset <= countedTo) {
            return this;
        }
        boolean agreeing = activeLabel != null && activeLabel == prediction.label();
        return new ShadowTally(modelVersion, partition, offset, predictions + 1, agreed + (agreeing ? 1 : 0),
                labelled + (prediction.trueLabel() != null ? 1 : 0), correct + (prediction.correct() ? 1 : 0));
    }
}
