package io.inkstream.store;

import java.time.Instant;
import java.util.List;

/**
 * A prediction as Cassandra holds it. {@code probabilities} is empty in history rows (kept per image only).
 *
 * @param hasModelInput whether the row by image keeps the input the model classified ({@code PredictionReader.modelInput});
 *                      false in history rows
 */
public record StoredPrediction(String imageId, String modelVersion, int label, float confidence, List<Float> probabilities,
                               Integer trueLabel, String source, Instant submittedAt, Instant classifiedAt, boolean hasModelInput) {
}
