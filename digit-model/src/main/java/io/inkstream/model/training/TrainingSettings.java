package io.inkstream.model.training;

import io.inkstream.image.artifact.Architecture;
import java.util.Optional;

/**
 * How to train.
 *
 * @param architecture          which network
 * @param epochs                passes over the training digits, at most
 * @param batchSize             digits per gradient step
 * @param seed                  fixes initial weights, dropout and shuffling: same seed, same model
 * @param earlyStoppingPatience stop after this many epochs without a better validation accuracy
 *                              and keep the best weights; 0 trains every epoch
 * @param augmenter             distorts every training digit anew each epoch ({@link DigitAugmenter#STANDARD});
 *                              empty to train on the digits as they are
 */
public record TrainingSettings(Architecture architecture, int epochs, int batchSize, long seed, int earlyStoppingPatience,
                               Optional<DigitAugmenter> augmenter) {
    public TrainingSettings {
        if (epochs < 1 || batchSize < 1 || earlyStoppingPatience < 0) {
            throw new IllegalArgumentException("epochs and batch size must be positive, patience not negative: "
                    + epochs + ", " + batchSize + ", " + earlyStoppingPatience);
        }
    }

    /**
     * What {@code inkstream train} does per architecture unless told otherwise: seed 10 epochs, v2 20,
     * v3 30 on distorted digits; batch 64, seed 123. (The shipped seed took {@code --augment --epochs 20}.)
     */
    public static TrainingSettings defaults(Architecture architecture) {
        return switch (architecture) {
            case SEED -> new TrainingSettings(architecture, 10, 64, 123, 0, Optional.empty());
            case V2 -> new TrainingSettings(architecture, 20, 64, 123, 0, Optional.empty());
            case V3 -> new TrainingSettings(architecture, 30, 64, 123, 0, Optional.of(DigitAugmenter.STANDARD));
        };
    }

    public TrainingSettings withAugmenter(DigitAugmenter augmenter) {
        return new TrainingSettings(architecture, epochs, batchSize, seed, earlyStoppingPatience, Optional.of(augmenter));
    }
}
