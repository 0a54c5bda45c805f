package io.inkstream.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.inkstream.image.rejection.ImageRejectedException;

/**
 * Any bytes at all, as a producer may put on the images topic: the preprocessing either refuses
 * them with a typed reason or returns 784 values in [0, 1]. Any other exception, a hang or an
 * out-of-memory is a finding. Seeds: small images of every format in the Inputs directory.
 */
class DigitPreprocessorFuzzTest {
    /** Small limits keep each execution cheap; the checks are the same at any size. */
    private static final DigitPreprocessor PREPROCESSOR = new DigitPreprocessor(new PreprocessingLimits(256 * 1024, 1024, 1024));

    @FuzzTest(maxDuration = "40s")
    void refusesOrNormalisesAnyInput(byte[] data) {
        PreprocessedDigit digit;
        try {
            digit = PREPROCESSOR.preprocess(data);
        } catch (ImageRejectedException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a message: " + refused.reason());
            }
            return;
        }
        float[] pixels = digit.pixels();
        if (pixels.length != PreprocessedDigit.PIXELS) {
            throw new AssertionError(pixels.length + " pixels");
        }
        for (float pixel : pixels) {
            if (!(pixel >= 0f && pixel <= 1f)) {
                throw new AssertionError("pixel out of [0, 1]: " + pixel);
            }
        }
    }
}
