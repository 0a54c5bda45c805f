package io.inkstream.contract.prediction;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The value of the predictions topic (JSON, {@code schema} 1). One per image and model version.
 *
 * @param schema        the record layout version; consumers refuse ones they do not know
 * @param imageId       the images topic key
 * @param modelVersion  the model that made it
 * @param label         the predicted digit
 * @param confidence    its probability
 * @param probabilities all ten, indexed by digit
 * @param trueLabel     the producer's {@code label} header, when given
 * @param source        the producer's {@code source} header, when given
 * @param submittedAt   the {@code submitted-at} header, or the image record's timestamp
 * @param classifiedAt  when the classifier made the prediction
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prediction(int schema, String imageId, String modelVersion, int label, float confidence,
                         List<Float> probabilities, Integer trueLabel, String source, Instant submittedAt,
                         Instant classifiedAt) {
    public static final int SCHEMA = 1;
    /** How many probabilities a prediction has: one per digit. */
    public static final int DIGITS = 10;

    public Prediction {
        probabilities = probabilities == null ? null : List.copyOf(probabilities);
    }

    /** Whether the prediction is right, where the truth is known. */
    public boolean correct() {
        return trueLabel != null && trueLabel == label;
    }
}
