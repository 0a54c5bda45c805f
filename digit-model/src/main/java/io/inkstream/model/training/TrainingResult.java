package io.inkstream.model.training;

import io.inkstream.model.artifact.ModelArtifact;
import io.inkstream.model.evaluation.Evaluation;
import java.util.List;

/** A trained model, its evaluation on the held-out digits, and the epoch-by-epoch history. */
public record TrainingResult(ModelArtifact artifact, Evaluation validation, List<EpochSummary> epochs) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }
}
