package io.inkstream.model.training;

/** One epoch: mean training loss, accuracy on the held-out digits, and how long it took. */
public record EpochSummary(int epoch, double meanLoss, double validationAccuracy, long millis) {
}
