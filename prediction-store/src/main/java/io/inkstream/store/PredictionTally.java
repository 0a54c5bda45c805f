package io.inkstream.store;

import io.inkstream.contract.prediction.Prediction;

/**
 * A model's running counts over one partition of the predictions topic, up to and including the
 * record at {@code countedTo}: what live accuracy sums, so that reading it costs the same at a
 * thousand or a hundred million predictions. A record at or below {@code countedTo} is already in
 * the counts, so consuming a partition again (a restart, a rebalance, a new consumer group) counts
 * nothing twice. The counts up to an offset are a function of the partition's records alone, so
 * two writers of the same tally agree, and the one that counted further is the one to keep.
 *
 * @param countedTo the offset of the last record counted, -1 before the first
 */
public record PredictionTally(String modelVersion, int partition, long countedTo, long predictions, long labelled, long correct) {
    /** Nothing counted yet. */
    public static PredictionTally empty(String modelVersion, int partition) {
        return new PredictionTally(modelVersion, partition, -1, 0, 0, 0);
    }

    /**
     * This tally with the prediction at {@code offset} counted, or this same tally if that offset
     * is already counted. Offsets of one partition must come in increasing order.
     */
    public PredictionTally count(long offset, Prediction prediction) {
        if (offset <= countedTo) {
            return this;
        }
        boolean labelledOne = prediction.trueLabel() != null;
        return new PredictionTally(modelVersion, partition, offset, predictions + 1, labelled + (labelledOne ? 1 : 0),
                correct + (prediction.correct() ? 1 : 0));
    }
}
