package io.inkstream.gateway.query;

import io.inkstream.store.ImageFailure;
import io.inkstream.store.ImageLabel;
import io.inkstream.store.StoredPrediction;
import java.util.List;
import java.util.Optional;

/**
 * What the pipeline knows of one image: every model's prediction, or why it was refused, or
 * that it is still on its way; and the digit a person said it is.
 */
public record ImageStatus(String id, State status, List<StoredPrediction> predictions, Optional<ImageFailure> failure,
                          Optional<ImageLabel> label) {
    public enum State {
        /** Accepted by this gateway, not classified yet. */
        PENDING,
        /** At least one model's prediction is stored. */
        CLASSIFIED,
        /** Dead-lettered: the pipeline could not classify it; the failure says why. */
        FAILED,
        /** Neither published by this instance lately nor known to the tables. */
        UNKNOWN
    }
}
