package io.inkstream.store;

import java.util.List;
import java.util.Optional;

/** One page of a model's recent predictions, newest first, and the cursor of the next page if there is one. */
public record PredictionPage(List<StoredPrediction> predictions, Optional<String> next) {
}
