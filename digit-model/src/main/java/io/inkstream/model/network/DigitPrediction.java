package io.inkstream.model.network;

/**
 * What the network says of one image.
 *
 * @param label         the most probable digit
 * @param confidence    its probability
 * @param probabilities all ten, indexed by digit
 */
public record DigitPrediction(int label, float confidence, float[] probabilities) {
    public static DigitPrediction fromProbabilities(float[] probabilities) {
        int best = 0;
        for (int digit = 1; digit < probabilities.length; digit++) {
            if (probabilities[digit] > probabilities[best]) {
                best = digit;
            }
        }
        return new DigitPrediction(best, probabilities[best], probabilities);
    }
}
