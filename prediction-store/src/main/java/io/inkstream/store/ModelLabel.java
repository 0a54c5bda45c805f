package io.inkstream.store;

import java.time.Instant;

/** One model's answer on an image a person labelled: a row of {@code labels_by_model}. */
public record ModelLabel(String modelVersion, String imageId, int label, int predicted, Instant labelledAt) {
    public boolean correct() {
        return label == predicted;
    }
}
